import { costRow, counterDelta, histogramDelta, orderCostScenario, statementsByKind } from './figures';

const writerMetrics = (
  select: number,
  insert: number,
  batches: { le1: number; le2: number; count: number; sum: number },
) =>
  [
    `db_queries_total{statement="select",service="orders-write"} ${select}`,
    `db_queries_total{statement="insert",service="orders-write"} ${insert}`,
    `order_batch_size_bucket{le="1"} ${batches.le1}`,
    `order_batch_size_bucket{le="2"} ${batches.le2}`,
    `order_batch_size_bucket{le="+Inf"} ${batches.count}`,
    `order_batch_size_sum ${batches.sum}`,
    `order_batch_size_count ${batches.count}`,
  ].join('\n');

describe('order-cost figures', () => {
  it('When a rate is asked with reads, then the arrivals are three times the order rate over three tasks', () => {
    // Arrange / Act
    const scenario = orderCostScenario(100, 30, true);
    const ordersOnly = orderCostScenario(100, 30, false);

    // Assert
    expect(scenario.load).toMatchObject({
      model: 'open',
      steps: [{ ratePerSecond: 300, durationSeconds: 30 }],
    });
    expect(scenario.tasks.map((task) => task.name)).toEqual([
      'place-order',
      'highest-spenders',
      'best-sellers',
    ]);
    expect(ordersOnly.load).toMatchObject({ steps: [{ ratePerSecond: 100 }] });
  });

  it('When counters of two replicas are read before and after, then the deltas are summed per kind', () => {
    // Arrange
    const before = [
      writerMetrics(10, 5, { le1: 0, le2: 0, count: 0, sum: 0 }),
      writerMetrics(1, 1, { le1: 0, le2: 0, count: 0, sum: 0 }),
    ];
    const after = [
      writerMetrics(40, 15, { le1: 3, le2: 4, count: 4, sum: 5 }),
      writerMetrics(11, 6, { le1: 4, le2: 4, count: 4, sum: 4 }),
    ];

    // Act / Assert
    expect(counterDelta(before, after, 'db_queries_total')).toBe(55);
    expect(statementsByKind(before, after)).toEqual({ insert: 15, select: 40 });
    expect(histogramDelta(before, after, 'order_batch_size')).toMatchObject({
      count: 8,
      mean: 9 / 8,
      firstBucketShare: 7 / 8,
    });
  });

  it('When a window is turned into a row, then CPU and statements are per placed order and the generator is left out', () => {
    // Arrange
    const zero = writerMetrics(0, 0, { le1: 0, le2: 0, count: 0, sum: 0 });
    const window = {
      target: 'stack',
      ordersPerSecond: 100,
      seconds: 10,
      placed: 1000,
      cpuMs: { 'orders-write': 2000, MariaDB: 1000, 'load generator': 9999 },
      orderLatency: { p50: 2, p99: 10 },
      readLatency: { p50: 1, p99: 3 },
      metrics: {
        before: { writers: [zero], projector: undefined },
        after: {
          writers: [writerMetrics(8000, 4000, { le1: 900, le2: 1000, count: 1000, sum: 1100 })],
          projector: undefined,
        },
      },
    };

    // Act
    const row = costRow(window, ['orders-write', 'MariaDB']);

    // Assert
    expect(row).toMatchObject({
      'orders placed/s': 100,
      'CPU ms/order (all)': 3,
      'orders-write ms/order': 2,
      'MariaDB ms/order': 1,
      'SQL/order': 12,
      'batch mean': 1.1,
      'batches of 1 %': 90,
      'order p50/p99 ms': '2 / 10',
    });
  });
});
