import type mysql from 'mysql2/promise';
import { eventually, parseMetrics, type HttpClient } from '@store/testing';
import {
  count,
  createProduct,
  createUser,
  openSql,
  ownRelayTopology,
  startTestService,
  type TestService,
} from './helpers';

async function scrape(api: HttpClient) {
  const response = await api.get('/metrics');
  expect(response.status).toBe(200);
  return parseMetrics(response.body as string);
}

/*
 * The pipeline metrics move by the right amounts when orders flow. The relay's own loop is paused and the test
 * runs its passes, so the published counts can be compared exactly with what those passes published. The test
 * database is shared with the other test files, whose rows may be pending too: totals are compared with the
 * table and with what the relay reports, never with an assumed empty outbox.
 */
const topology = ownRelayTopology();
let app: TestService;
let sql: mysql.Connection;

beforeAll(async () => {
  app = await startTestService({ ...topology.env, OUTBOX_BACKLOG_INTERVAL_MS: '50' });
  sql = await openSql();
});
afterAll(async () => {
  await app.stop();
  await topology.remove();
  await sql.end();
});

const pendingInTable = () => count(sql, 'select count(*) from outbox where published_at is null');

/** Waits until the backlog gauges were refreshed and agree with the table; returns the pending count. */
const backlogGaugeMatchesTable = (atLeast: number) =>
  eventually('outbox_pending_events to match the outbox table', async () => {
    const pending = await pendingInTable();
    const metrics = await scrape(app.api);
    return pending >= atLeast && metrics.value('outbox_pending_events') === pending ? metrics : undefined;
  });

describe('Pipeline metrics on /metrics', () => {
  it('When 3 orders are placed and then published, then the counters, the histogram and the backlog gauges move by that much', async () => {
    const relay = app.service.relay!;
    await relay.stop();
    const user = await createUser(app.api);
    const product = await createProduct(app.api, 2.5, 10);
    const before = await scrape(app.api);

    for (let i = 0; i < 3; i++) {
      const placed = await app.api.post('/orders', {
        user_id: user.user_id,
        items: [{ product_id: product, quantity: 1 }],
      });
      expect(placed.status).toBe(201);
    }
    const waiting = await backlogGaugeMatchesTable(3);
    expect(waiting.value('outbox_oldest_pending_age_seconds')).toBeGreaterThan(0);

    const published = await relay.drain();
    const after = await scrape(app.api);
    const increase = (name: string, labels?: Record<string, string>) =>
      after.value(name, labels) - before.value(name, labels);

    // Ours, and any rows other test files left unpublished: the relay publishes whatever is due.
    expect(published).toBeGreaterThanOrEqual(3);
    expect(
      await count(
        sql,
        "select count(*) from outbox where published_at is null and json_value(payload, '$.user_id') = ?",
        [user.user_id],
      ),
    ).toBe(0);
    expect(increase('orders_total')).toBe(3);
    expect(increase('outbox_published_total')).toBe(published);
    expect(increase('relay_publish_duration_seconds_count')).toBe(published);
    expect(increase('relay_publish_duration_seconds_sum')).toBeGreaterThan(0);
    expect(increase('outbox_publish_failures_total')).toBe(0);
    expect(increase('db_queries_total', { statement: 'insert' })).toBeGreaterThanOrEqual(3 * 2);

    // Down by what was published (other writers may share the table, so it is compared with the table again).
    await backlogGaugeMatchesTable(0);
  });
});
