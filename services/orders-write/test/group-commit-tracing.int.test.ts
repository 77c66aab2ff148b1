import type mysql from 'mysql2/promise';
import { activeTraceparent, tracer } from '@store/observability';
import { startInMemoryTracing } from '@store/testing';
import { createProduct, createUser, openSql, startTestService, type TestService } from './helpers';

/*
 * Spans of the group commit. Under Jest there is no HTTP server span (the SDK cannot patch http), so each
 * order is queued inside a span the test makes active, standing in for its request, as tracing.int.test.ts does.
 */
const tracing = startInMemoryTracing();
let app: TestService;
let sql: mysql.Connection;

beforeAll(async () => {
  app = await startTestService({ ORDER_BATCHING: 'on' });
  sql = await openSql();
});
afterAll(async () => {
  await app.stop();
  await sql.end();
  await tracing.stop();
});

describe('Group commit tracing', () => {
  it("When two orders share a batch, then the batch is a child of the first request's span, links to the other and each outbox row keeps its request's trace", async () => {
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 1, 10);
    const batcher = app.service.orderBatcher!;
    const command = { userId: user.user_id, items: [{ productId: product, quantity: 1 }] };
    // Queued in one tick: the free writer takes the first alone at once, the other two queue into one batch.
    const [first, ...requests] = await Promise.all(
      ['request a', 'request b', 'request c'].map((name) =>
        tracer().startActiveSpan(name, async (span) => {
          try {
            const placed = await batcher.place(command, activeTraceparent() ?? null);
            return { placed, context: span.spanContext() };
          } finally {
            span.end();
          }
        }),
      ),
    );

    expect(first!.placed.batchSize).toBe(1);
    const batch = tracing
      .spans()
      .find((span) => span.name === 'order batch' && span.attributes['order.batch.size'] === 2);
    // Queue order is request order: b leads the batch (its parent), c is linked.
    const [leader, follower] = requests;
    expect(batch?.parentSpanContext?.spanId).toBe(leader!.context.spanId);
    expect(batch?.spanContext().traceId).toBe(leader!.context.traceId);
    expect(batch?.links.map((link) => link.context.spanId)).toEqual([follower!.context.spanId]);
    // Each order's wait for the writer is a span in its own trace (npm run traces: "batch queue wait").
    const waits = tracing.spans().filter((span) => span.name === 'order queue wait');
    for (const { context } of [first!, ...requests]) {
      expect(waits.filter((span) => span.parentSpanContext?.spanId === context.spanId)).toHaveLength(1);
    }
    for (const { placed, context } of requests) {
      expect(placed.batchSize).toBe(2);
      expect(placed.answer.placed).toBe(true);
      const orderId = placed.answer.placed ? placed.answer.order.order_id : 0;
      const [rows] = await sql.query<mysql.RowDataPacket[]>(
        "select traceparent from outbox where json_value(payload, '$.order_id') = ?",
        [orderId],
      );
      expect(rows[0]!.traceparent).toBe(`00-${context.traceId}-${context.spanId}-01`);
    }
  });
});
