import { buildRows, otherStatuses, type RoundSample } from './bench-orders-table';

const sample = (overrides: Partial<RoundSample>): RoundSample => ({
  ordersPerSecond: 1000,
  p50: 10,
  p95: 20,
  statuses: { '201': 1000 },
  errors: 0,
  orders: 1000,
  ...overrides,
});

describe('the orders benchmark table', () => {
  const runs = {
    calibration: {
      unloadedP50: 2,
      rounds: [
        sample({ ordersPerSecond: 1400, stackCpuMs: 600, nodeCpuMs: 300 }),
        sample({ ordersPerSecond: 1500, stackCpuMs: 400, nodeCpuMs: 100 }),
      ],
    },
    'batching-on': {
      unloadedP50: 2.4,
      rounds: [
        sample({
          ordersPerSecond: 3000,
          p50: 8,
          orders: 3000,
          stackCpuMs: 1500,
          drainSeconds: 0.3,
          drained: true,
        }),
        sample({
          ordersPerSecond: 2000,
          p50: 12,
          orders: 1000,
          stackCpuMs: 500,
          drainSeconds: 1.2,
          drained: true,
        }),
        sample({
          ordersPerSecond: 2600,
          p50: 9,
          orders: 2000,
          stackCpuMs: 1000,
          drainSeconds: 0.1,
          drained: true,
        }),
      ],
    },
  };

  it('When rounds are summarised, then rates and latencies are medians and ratios are to the calibration server', () => {
    const [calibration, batching] = buildRows('uniform', runs, 'calibration');
    expect(calibration).toMatchObject({ mix: 'uniform', target: 'calibration', 'orders/s': 1450 });
    expect(calibration!['× calibration']).toBe(1);
    expect(batching).toMatchObject({
      target: 'batching-on',
      'orders/s': 2600,
      '× calibration': 1.79,
      'p50 ms': 9,
      'answered 201': 6000,
      'unloaded p50 ms': 2.4,
      'unloaded × calibration': 1.2,
    });
  });

  it('When CPU is summed, then it is divided by all orders of all rounds, or n/a when a round lacks it', () => {
    const [calibration, batching] = buildRows('uniform', runs, 'calibration');
    expect(calibration!['CPU ms/order (stack)']).toBe(0.5);
    expect(calibration!['Node ms/order (orders-write)']).toBe(0.2);
    expect(batching!['CPU ms/order (stack)']).toBe(0.5);
    expect(batching!['Node ms/order (orders-write)']).toBe('n/a');
  });

  it('When the outbox drains, then the slowest round is reported; a round that did not drain says so', () => {
    const [calibration, batching] = buildRows('lab', runs, 'calibration');
    expect(calibration!['outbox drained in s']).toBe('n/a');
    expect(batching!['outbox drained in s']).toBe(1.2);
    const stuck = {
      ...runs,
      stuck: { unloadedP50: 3, rounds: [sample({ drainSeconds: 60, drained: false })] },
    };
    expect(buildRows('lab', stuck, 'calibration')[2]!['outbox drained in s']).toBe('not drained');
  });

  it('When some answers are not 201, then they are counted by status, with transport errors apart', () => {
    expect(otherStatuses([sample({}), sample({})])).toBe('0');
    expect(
      otherStatuses([
        sample({ statuses: { '201': 5, '409': 2 } }),
        sample({ statuses: { '409': 1, '500': 1 }, errors: 3 }),
      ]),
    ).toBe('409×3, 500×1, errors×3');
  });
});
