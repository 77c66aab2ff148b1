import type mysql from 'mysql2/promise';
import type { StoreEvent } from '@store/contracts';
import { tracer } from '@store/observability';
import { eventually, startInMemoryTracing } from '@store/testing';
import { placeOrder } from '../src/domain/place-order.use-case';
import {
  createProduct,
  createUser,
  openSql,
  ownRelayTopology,
  startTestService,
  type TestService,
} from './helpers';

/*
 * The trace crosses the outbox. Under Jest the OTel SDK cannot patch http or mysql2, so there is no HTTP server
 * span: the order is written through the use case inside a span the test makes active, standing in for it.
 * The in-memory tracer is set up before the service starts, as the register module does in a real process.
 */
const tracing = startInMemoryTracing();
const topology = ownRelayTopology();
let app: TestService;
let sql: mysql.Connection;

beforeAll(async () => {
  app = await startTestService(topology.env);
  sql = await openSql();
});
afterAll(async () => {
  await app.stop();
  await topology.remove();
  await sql.end();
  await tracing.stop();
});

/** A user with a product in stock, for one test's orders. */
async function customer() {
  const user = await createUser(app.api);
  return { userId: user.user_id, productId: await createProduct(app.api, 3, 10) };
}

/** Places an order through the use case inside an active span; returns the order id and that span's context. */
function placeOrderInsideSpan({ userId, productId }: { userId: number; productId: number }) {
  return tracer().startActiveSpan('test request', async (span) => {
    try {
      const placed = await placeOrder(
        { db: app.service.db, productLookup: 'batched', now: () => new Date() },
        { userId, items: [{ productId, quantity: 1 }] },
      );
      return { orderId: placed.order.order_id, request: span.spanContext() };
    } finally {
      span.end();
    }
  });
}

/** Resolves with the user's first event once the relay committed it as published (its spans have ended). */
function publishedFor(userId: number): Promise<StoreEvent> {
  return new Promise((resolve) => {
    const off = app.service.relay!.onEvent((outcome) => {
      const event = outcome.kind === 'published' && outcome.events.find((e) => e.data.user_id === userId);
      if (event) {
        off();
        resolve(event);
      }
    });
  });
}

const toMillis = ([seconds, nanos]: [number, number]) => seconds * 1e3 + nanos / 1e6;

describe('Trace context through the outbox', () => {
  it('When an order is written inside an active span, then its outbox row keeps that trace', async () => {
    const { orderId, request } = await placeOrderInsideSpan(await customer());
    const [rows] = await sql.query<mysql.RowDataPacket[]>(
      "select traceparent from outbox where json_value(payload, '$.order_id') = ?",
      [orderId],
    );
    expect(rows[0]!.traceparent).toBe(`00-${request.traceId}-${request.spanId}-01`);
  });

  it('When the relay publishes it, then outbox wait and outbox publish join the order trace and link the batch', async () => {
    const buyer = await customer();
    const published = publishedFor(buyer.userId);
    const { orderId, request } = await placeOrderInsideSpan(buyer);
    const event = await published;
    expect(event.data.order_id).toBe(orderId);
    expect(event.traceparent).toBe(`00-${request.traceId}-${request.spanId}-01`);

    const spans = tracing.spans();
    const ofOrder = spans.filter((span) => span.spanContext().traceId === request.traceId);
    const wait = ofOrder.find((span) => span.name === 'outbox wait');
    const publish = ofOrder.find((span) => span.name === 'outbox publish');
    expect(wait?.parentSpanContext?.spanId).toBe(request.spanId);
    expect(wait?.attributes['messaging.message.id']).toBe(event.event_id);
    expect(toMillis(wait!.startTime)).toBe(Date.parse(event.occurred_at));
    expect(toMillis(wait!.endTime)).toBeLessThanOrEqual(toMillis(publish!.startTime));
    expect(publish?.parentSpanContext?.spanId).toBe(request.spanId);
    expect(publish?.links).toHaveLength(1);
    const batch = spans.find((span) => span.spanContext().spanId === publish!.links[0]!.context.spanId);
    expect(batch?.name).toBe('outbox relay batch');
    // The batch serves every pending row: it is a trace of its own, not a part of one order's.
    expect(batch?.spanContext().traceId).not.toBe(request.traceId);
    expect(batch?.parentSpanContext).toBeUndefined();
  });

  it('When the relay polls and nothing is due, then it makes no spans', async () => {
    const relay = app.service.relay!;
    // The test runs the passes itself from here, so no background pass can add spans in between.
    await relay.stop();
    // Rows other test files left unpublished go first; a pass that publishes nothing is an idle poll.
    const spansOfIdlePass = await eventually('an idle relay pass', async () => {
      const before = tracing.spans().length;
      return (await relay.drain()) === 0 ? tracing.spans().slice(before) : undefined;
    });
    expect(spansOfIdlePass).toEqual([]);
  });
});
