import { join } from 'node:path';
import { breakdown, percentile, summariseOperation, type OperationBreakdown } from './breakdown';
import { readGatewayLog, readTraceFiles } from './sources/files';

/*
 * test/fixtures/otlp-traces.jsonl is one POST /orders trace (orders-write-1 → the relay on orders-write-2 → the
 * projector) and one GET of a report, with times chosen so that every stage has a known length (ms):
 *   POST /orders 0–20: validate 1–2, begin 2–3, two selects 3–7 and 5–9 (in parallel: 6 ms, not 8), insert
 *   9–13, update 13–15, commit 15–18; handler = 20 − 17 = 3. Gateway: 24 ms in nginx, upstream "0.001, 0.020"
 *   (a retry) → 3 ms.
 *   pipeline: outbox wait 20–39, nothing 39–40, outbox publish 40–46 (its producer span 41–46), consumer 48–56
 *   with its Redis EVALSHA 50–54 → queue wait 2, apply 48–54 less Redis = 2, order → report ends at 54.
 *   report GET 0–10: cache get 1–2, compute 2–8 (zrevrange 3–6 and hmget 3.5–5 in parallel: 3 ms), set 8–9;
 *   gateway 12 − 10.5 = 1.5.
 */
const fixtures = join(__dirname, '../test/fixtures');
const spans = readTraceFiles([join(fixtures, 'otlp-traces.jsonl')]);
const gateway = readGatewayLog(join(fixtures, 'nginx-access.jsonl'));

const stagesOf = (operation: OperationBreakdown | undefined) =>
  Object.fromEntries((operation?.stages ?? []).map((stage) => [stage.stage, stage.meanMs]));
const find = (operations: OperationBreakdown[], name: string) =>
  operations.find((op) => op.operation === name);

describe('breakdown of a recorded trace file', () => {
  const operations = breakdown(spans, gateway);

  test('When a POST /orders trace is broken down, then each SQL kind, validation, handler and gateway get their time', () => {
    const order = find(operations, 'POST /orders');

    expect(order?.traces).toBe(1);
    expect(stagesOf(order)).toEqual({
      gateway: 3,
      'HTTP handler': 3,
      validation: 1,
      'SQL begin': 1,
      'SQL select': 6,
      'SQL insert': 4,
      'SQL update': 2,
      'SQL commit': 3,
    });
    expect(order?.total.meanMs).toBe(23);
    expect(order?.stages.map((stage) => stage.stage)).toEqual(Object.keys(stagesOf(order)));
    expect(order?.stages.find((stage) => stage.stage === 'SQL select')?.share).toBeCloseTo(6 / 23, 4);
  });

  test('When the same order is followed to the projector, then outbox wait, publish, queue wait, apply and Redis add up to the 54 ms', () => {
    const orderToReport = find(operations, 'order → report');

    expect(orderToReport?.traces).toBe(1);
    const stages = stagesOf(orderToReport);
    // The projector's times come as numeric nanoseconds (a double): exact to well under a microsecond.
    expect(stages).toEqual({
      'HTTP handler': 3,
      validation: 1,
      'SQL begin': 1,
      'SQL select': 6,
      'SQL insert': 4,
      'SQL update': 2,
      'SQL commit': 3,
      'outbox wait': 19,
      'publish and confirm': 6,
      'queue wait': 2,
      'projector apply': expect.closeTo(2, 2),
      Redis: expect.closeTo(4, 2),
      untraced: 1,
    });
    expect(orderToReport?.total.meanMs).toBeCloseTo(54, 2);
  });

  test('When a report GET is broken down, then parallel Redis calls inside compute are counted once', () => {
    const report = find(operations, 'GET /orders/reports/highest-spenders');

    expect(report?.traces).toBe(1);
    expect(stagesOf(report)).toEqual({ gateway: 1.5, 'HTTP handler': 2, 'report compute': 3, Redis: 5 });
    expect(report?.total.meanMs).toBe(11.5);
    expect(report?.stages.reduce((sum, stage) => sum + stage.share, 0)).toBeCloseTo(1, 3);
  });

  test('When an operation has no trace, then it is listed with none, in the fixed order', () => {
    expect(operations.map((op) => [op.operation, op.traces])).toEqual([
      ['POST /orders', 1],
      ['GET /orders/reports/highest-spenders', 1],
      ['GET /orders/reports/best-sellers', 0],
      ['order → report', 1],
    ]);
  });

  test('When the relay batch (a trace of its own, no server span) is in the file, then it is no operation', () => {
    const relayBatch = spans.filter((span) => span.traceId === 'b7ad6b7169203331b7ad6b7169203331');

    expect(relayBatch).toHaveLength(4);
    expect(breakdown(relayBatch).every((op) => op.traces === 0)).toBe(true);
  });
});

describe('summary over many traces', () => {
  test('When stages vary across traces, then p50/p95 are per stage and the share is mean stage / mean total', () => {
    const samples = Array.from({ length: 20 }, (_, index) => ({
      operation: 'POST /orders',
      traceId: String(index),
      // SQL select: 1..20 ms; the handler 2 ms, except in the slowest trace where it is missing
      stages: new Map([
        ['SQL select', index + 1],
        ...(index === 19 ? [] : [['HTTP handler', 2] as [string, number]]),
      ]),
    }));

    const summary = summariseOperation('POST /orders', samples);

    const select = summary.stages.find((stage) => stage.stage === 'SQL select');
    const handler = summary.stages.find((stage) => stage.stage === 'HTTP handler');
    expect([select?.p50Ms, select?.p95Ms, select?.meanMs]).toEqual([10, 19, 10.5]);
    expect([handler?.p50Ms, handler?.meanMs, handler?.traces]).toEqual([2, 1.9, 19]);
    expect(summary.total.meanMs).toBe(12.4);
    expect(select?.share).toBeCloseTo(10.5 / 12.4, 4);
    expect(summary.stages.map((stage) => stage.stage)).toEqual(['HTTP handler', 'SQL select']);
  });

  test('When there are no values, then a percentile is NaN rather than 0', () => {
    expect(percentile([], 0.5)).toBeNaN();
  });
});
