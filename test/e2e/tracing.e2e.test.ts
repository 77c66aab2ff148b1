import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { httpClient, uniqueEmail, uniqueName, uniqueSku } from '@store/testing';
import type { Span } from '../../tools/traces/src/span';
import { readGatewayLog, readTraceFiles, traceFiles } from '../../tools/traces/src/sources/files';
import { GATEWAY, STACK_DIR, waitFor } from './stack';

/*
 * The stack exports its spans to its own OTLP sink (tools/traces), as JSON lines under its logs folder: these
 * tests read what the real services, instrumented by the OTel SDK, sent there. Each request carries a sampled
 * traceparent of the test's own, so the stack's ratio sampler keeps it (parent-based) and the test knows the id.
 */
const gateway = httpClient(GATEWAY);
const LOGS = join(STACK_DIR, 'logs');

function newTrace() {
  const traceId = randomBytes(16).toString('hex');
  const clientSpanId = randomBytes(8).toString('hex');
  return { traceId, clientSpanId, headers: { traceparent: `00-${traceId}-${clientSpanId}-01` } };
}

const spansOf = (traceId: string): Span[] =>
  readTraceFiles(traceFiles(join(LOGS, 'traces'))).filter((span) => span.traceId === traceId);

/**
 * The order's spans, plus — when its message was not the first of the projector's batch — the batch's
 * `apply events` span and its Redis calls, which live in the first message's trace and link to this one's
 * consume span (they are re-parented under it here, as the link says).
 */
function withAppliedBatch(traceId: string): Span[] {
  const all = readTraceFiles(traceFiles(join(LOGS, 'traces')));
  const own = all.filter((span) => span.traceId === traceId);
  const consume = own.find((span) => span.kind === 'consumer');
  if (!consume || own.some((span) => span.name === 'apply events')) return own;
  const apply = all.find((span) => span.links?.some((link) => link.spanId === consume.spanId));
  if (!apply) return own;
  const applied = all.filter((span) => span.traceId === apply.traceId && span.parentId === apply.spanId);
  return [...own, { ...apply, parentId: consume.spanId }, ...applied];
}

function family(spans: Span[]) {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  const ancestors = (span: Span): Span[] => {
    const chain: Span[] = [];
    for (let parent = byId.get(span.parentId ?? ''); parent; parent = byId.get(parent.parentId ?? '')) {
      chain.push(parent);
    }
    return chain;
  };
  return { descendsFrom: (span: Span, ancestor: Span) => ancestors(span).includes(ancestor) };
}

// The instrumentations write the stable database conventions (db.system.name, db.query.text); older ones did not.
const dbSystem = (span: Span) => span.attributes['db.system.name'] ?? span.attributes['db.system'];
const isSql = (span: Span) => dbSystem(span) === 'mysql';
const isRedis = (span: Span) => dbSystem(span) === 'redis';
const statement = (span: Span) =>
  String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? '').toLowerCase();

async function setUpBuyer() {
  const user = await gateway.post('/users', { name: uniqueName('trace-buyer'), email: uniqueEmail('trace') });
  const product = await gateway.post('/products', {
    name: uniqueName('trace-item'),
    sku: uniqueSku(),
    price: 12.5,
  });
  await gateway.post('/stocks', { product_id: product.body.product_id, quantity: 100 });
  return { userId: user.body.user_id as number, productId: product.body.product_id as number };
}

describe('One trace from the gateway to Redis', () => {
  test('When an order is placed, then one trace holds its HTTP span, SQL, outbox wait, publish, consume and Redis', async () => {
    // Arrange
    const { userId, productId } = await setUpBuyer();
    const trace = newTrace();

    // Act
    const placed = await gateway.post(
      '/orders',
      { user_id: userId, items: [{ product_id: productId, quantity: 2 }] },
      { headers: trace.headers },
    );

    // Assert
    expect(placed.status).toBe(201);
    expect(placed.headers.get('traceparent')).toContain(trace.traceId);
    const spans = await waitFor(
      'the order trace to reach the sink, down to the projector’s Redis call',
      () => {
        const found = withAppliedBatch(trace.traceId);
        return Promise.resolve(
          found.some((span) => span.service === 'projector' && isRedis(span)) ? found : undefined,
        );
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    const { descendsFrom } = family(spans);
    const server = spans.find((span) => span.kind === 'server' && span.service === 'orders-write');
    expect(server).toMatchObject({ name: 'POST /orders', parentId: trace.clientSpanId });
    const sql = spans.filter(
      (span) => span.service === 'orders-write' && isSql(span) && descendsFrom(span, server!),
    );
    // Per order, or in group commit's two multi-statements: the order's insert and its COMMIT are in its trace.
    const statements = sql.map(statement).join('\n');
    expect(statements).toMatch(/insert into `?orders`?/);
    expect(statements).toMatch(/(^|;\s*)commit\b/m);
    const outboxWait = spans.find((span) => span.name === 'outbox wait');
    const publish = spans.find((span) => span.kind === 'producer' && span.service === 'orders-write');
    const consume = spans.find((span) => span.kind === 'consumer' && span.service === 'projector');
    const apply = spans.find((span) => span.service === 'projector' && isRedis(span));
    expect(outboxWait && descendsFrom(outboxWait, server!)).toBe(true);
    expect(publish && descendsFrom(publish, server!)).toBe(true);
    expect(consume?.parentId).toBe(publish?.spanId);
    expect(apply && descendsFrom(apply, consume!)).toBe(true);
    // The stages follow each other in time: commit, then publish, then consume.
    expect(publish!.startMs).toBeGreaterThanOrEqual(outboxWait!.endMs - 1);
    expect(consume!.startMs).toBeGreaterThanOrEqual(publish!.startMs);
  });

  test('When a report is read, then its trace holds the HTTP span and its Redis calls', async () => {
    // Arrange: a limit no other test asks for, so the gateway's cache cannot answer for the service.
    const trace = newTrace();

    // Act
    const report = await gateway.get(
      `/orders/reports/best-sellers?limit=${90 + Math.floor(Math.random() * 10)}`,
      {
        headers: trace.headers,
      },
    );

    // Assert
    expect(report.status).toBe(200);
    expect(report.headers.get('x-gateway-cache')).not.toBe('HIT');
    const spans = await waitFor('the report trace to reach the sink', () => {
      const found = spansOf(trace.traceId);
      return Promise.resolve(found.some(isRedis) ? found : undefined);
    });
    const server = spans.find((span) => span.kind === 'server' && span.service === 'reports-read');
    expect(server?.name).toBe('GET /orders/reports/best-sellers');
    const { descendsFrom } = family(spans);
    expect(spans.filter(isRedis).every((span) => descendsFrom(span, server!))).toBe(true);
  });

  test('When a request is traced, then its service log line and the gateway’s access line carry its trace id', async () => {
    // Arrange
    const trace = newTrace();
    const email = uniqueEmail('private');

    // Act
    const created = await gateway.post(
      '/users',
      { name: uniqueName('logged'), email },
      { headers: trace.headers },
    );

    // Assert
    expect(created.status).toBe(201);
    const serviceLine = await waitFor('the access line of the request in an orders-write log', () => {
      const lines = readdirSync(LOGS)
        .filter((name) => /^orders-write-\d+\.log$/.test(name))
        .flatMap((name) => readFileSync(join(LOGS, name), 'utf8').split('\n'));
      const line = lines.find((text) => text.includes(trace.traceId) && text.includes('request completed'));
      return Promise.resolve(line ? (JSON.parse(line) as Record<string, unknown>) : undefined);
    });
    expect(serviceLine).toMatchObject({
      trace_id: trace.traceId,
      method: 'POST',
      route: '/users',
      status: 201,
      request_id: created.headers.get('x-request-id'),
    });
    const gatewayLine = await waitFor('the gateway access line', () =>
      Promise.resolve(
        readGatewayLog(join(LOGS, 'nginx-access.log')).find((request) => request.traceId === trace.traceId),
      ),
    );
    // nginx rounds both to the millisecond.
    expect(gatewayLine.upstreamMs).toBeLessThanOrEqual(gatewayLine.durationMs + 1);
    // No personal data: the e-mail is in neither the service's logs nor the spans.
    await waitFor('the users trace in the sink', () => {
      const found = spansOf(trace.traceId);
      return Promise.resolve(found.some(isSql) ? found : undefined);
    });
    expect(JSON.stringify(spansOf(trace.traceId))).not.toContain(email);
    const logs = readdirSync(LOGS)
      .filter((name) => name.startsWith('orders-write-'))
      .map((name) => readFileSync(join(LOGS, name), 'utf8'))
      .join('\n');
    expect(logs).not.toContain(email);
  });
});
