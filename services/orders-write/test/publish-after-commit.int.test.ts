import type mysql from 'mysql2/promise';
import { OUTBOX_EVENT_COLUMNS, outboxRowToEvent, type StoreEvent } from '@store/contracts';
import {
  createProduct,
  createUser,
  openSql,
  ownRelayTopology,
  startTestService,
  type TestService,
} from './helpers';

/*
 * Issue 16: the writer of a batch publishes its events right after the COMMIT, without the relay's claim
 * transaction, and marks their rows published in bulk. The sweep's grace is an hour here, so nothing of this
 * run's can reach the broker through the relay's poll: what is published, the writer published.
 */
const topology = ownRelayTopology();
const statements: string[] = [];
let app: TestService;
let sql: mysql.Connection;

beforeAll(async () => {
  app = await startTestService(
    { ...topology.env, OUTBOX_SWEEP_GRACE_MS: '3600000', OUTBOX_MARK_INTERVAL_MS: '50' },
    { onQuery: (statement) => statements.push(statement) },
  );
  sql = await openSql();
});
afterAll(async () => {
  await app.stop();
  await topology.remove();
  await sql.end();
});

/** Resolves with the events of these orders once every one was marked published (the relay's listeners). */
function publishedOrders(orderIds: number[]): Promise<StoreEvent[]> {
  const found = new Map<number, StoreEvent>();
  return new Promise((resolve) => {
    const off = app.service.relay!.onEvent((outcome) => {
      if (outcome.kind !== 'published') return;
      for (const event of outcome.events)
        if (orderIds.includes(event.data.order_id)) found.set(event.data.order_id, event);
      if (found.size === orderIds.length) {
        off();
        resolve(orderIds.map((id) => found.get(id)!));
      }
    });
  });
}

describe('Publishing after the commit', () => {
  it('When orders commit through the group commit, then their writer publishes them as their rows read and marks the rows in bulk', async () => {
    // Arrange
    const user = await createUser(app.api);
    const productId = await createProduct(app.api, 4, 100);
    const before = statements.length;

    // Act
    const answers = await Promise.all(
      [1, 2, 3].map((quantity) =>
        app.api.post('/orders', { user_id: user.user_id, items: [{ product_id: productId, quantity }] }),
      ),
    );
    const orderIds = answers.map((answer) => answer.body.order_id as number);
    const events = await publishedOrders(orderIds);

    // Assert
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
    const [rows] = await sql.query<mysql.RowDataPacket[]>(
      `select ${OUTBOX_EVENT_COLUMNS}, published_at from outbox where event_id in (?) order by sequence`,
      [events.map((event) => event.event_id)],
    );
    expect(rows.every((row) => row.published_at !== null)).toBe(true);
    const fromRows = rows.map((row) => outboxRowToEvent(row));
    expect(fromRows.map((mapped) => (mapped.ok ? mapped.event : mapped.reason))).toEqual(
      [...events].sort((a, b) => a.sequence - b.sequence),
    );
    const ours = statements.slice(before);
    expect(ours.some((statement) => /for update skip locked/i.test(statement))).toBe(false);
    const marks = ours.filter((statement) => /^update outbox set published_at/i.test(statement));
    expect(marks.length).toBeGreaterThanOrEqual(1);
    expect(marks.length).toBeLessThanOrEqual(3);
  });
});
