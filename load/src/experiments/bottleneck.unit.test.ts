import { cachedShare, diagnose, gatewayReads, predict, type StepWindow } from './bottleneck';
import type { ResourceSample } from './resources';

/** Steps of 10 s from t = 0, with `rps` requests per second and a mean latency. */
const steps = (users: number[], rps: number[], meanMs = 100): StepWindow[] =>
  users.map((count, index) => ({
    users: count,
    startMs: index * 10_000,
    endMs: (index + 1) * 10_000,
    requests: rps[index]! * 10,
    seconds: 10,
    meanMs,
  }));

/** One sample a second through each step, with the cores each group used in that step. */
const samples = (perStep: Record<string, number>[]): ResourceSample[] =>
  perStep.flatMap((cpuCores, index) =>
    Array.from({ length: 10 }, (_, second) => ({ at: index * 10_000 + (second + 1) * 1000, cpuCores })),
  );

describe('bottleneck', () => {
  test('When orders-write reaches 80 % of its core before MariaDB, then it is named as filled first, at its step', () => {
    // Arrange
    const ramp = steps([10, 20, 40], [5, 10, 12]);
    const measured = samples([
      { 'orders-write': 0.3, MariaDB: 0.2 },
      { 'orders-write': 0.85, MariaDB: 0.5 },
      { 'orders-write': 1, MariaDB: 0.9 },
    ]);

    // Act
    const diagnosis = diagnose({
      steps: ramp,
      breakingStep: 2,
      samples: measured,
      capacities: { 'orders-write': 1, MariaDB: 2 },
      thinkSeconds: 2,
      gateway: [],
    });

    // Assert
    expect(diagnosis?.filledFirst).toMatchObject({
      resource: 'orders-write',
      step: 1,
      users: 20,
      full: true,
    });
    expect(diagnosis?.utilisations.map((u) => u.resource)).toEqual(['orders-write', 'MariaDB']);
    expect(diagnosis?.utilisations[1]?.utilisation).toBeCloseTo(0.45);
  });

  test('When no resource reaches 80 %, then the fullest at the breaking step is named and marked not full, the machine shown beside', () => {
    const diagnosis = diagnose({
      steps: steps([10, 20], [5, 10]),
      breakingStep: 1,
      samples: samples([
        { Redis: 0.1, machine: 1.9 },
        { Redis: 0.4, machine: 2 },
      ]),
      capacities: { Redis: 1, machine: 2 },
      thinkSeconds: 2,
      gateway: [],
    });

    // The machine is full (other work on the host) but is shown beside, not named.
    expect(diagnosis?.filledFirst).toMatchObject({ resource: 'Redis', step: 1, full: false });
    expect(diagnosis?.machine).toBe(1);
    expect(diagnosis?.prediction?.bottleneck).toBe('Redis');
  });

  test('When demands are known from the steps that held, then the knee is X_max · (R₀ + Z) and the first step above it is predicted', () => {
    // Arrange: orders-write spends 0.5 core at 10 req/s (50 ms a request): X_max = 20 req/s; R₀ = 0.1 s, Z = 2 s.
    const ramp = steps([10, 20, 40, 80], [5, 10, 15, 16]);
    const measured = samples([{ 'orders-write': 0.25 }, { 'orders-write': 0.5 }, {}, {}]);

    // Act
    const prediction = predict(ramp, ramp.slice(0, 2), measured, { 'orders-write': 1, Redis: 1 }, 2);

    // Assert
    expect(prediction?.bottleneck).toBe('orders-write');
    expect(prediction?.demandMs).toBeCloseTo(50);
    expect(prediction?.maxRps).toBeCloseTo(20);
    expect(prediction?.kneeUsers).toBeCloseTo(42);
    expect(prediction?.predictedBreakUsers).toBe(80);
  });

  test('When nothing was sampled, then there is no prediction', () => {
    expect(predict(steps([10], [5]), [], [], { Redis: 1 }, 2)).toBeUndefined();
  });

  test('When the access log has report reads, then the cached share counts hits within the step', () => {
    const log = [
      '{"time":"1970-01-01T00:00:01+00:00","uri":"/orders/reports/best-sellers","cache":"HIT"}',
      '{"time":"1970-01-01T00:00:02+00:00","uri":"/orders/reports/best-sellers","cache":"MISS"}',
      '{"time":"1970-01-01T00:00:03+00:00","uri":"/orders","cache":"-"}',
      '{"time":"1970-01-01T00:00:12+00:00","uri":"/orders/reports/highest-spenders","cache":"HIT"}',
      '{"time":"1970-01-01T00:00:1',
    ].join('\n');

    const reads = gatewayReads(log);

    expect(reads).toHaveLength(3);
    expect(cachedShare(reads, steps([10], [1])[0]!)).toBe(0.5);
    expect(cachedShare(reads, { ...steps([10], [1])[0]!, startMs: 20_000, endMs: 30_000 })).toBeUndefined();
  });
});
