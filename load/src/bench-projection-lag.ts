import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { Agent, request } from 'undici';
import { DEFAULT_KEY_PREFIX, projectionKeys, versionPointerKey } from '@store/contracts';
import { writeResults } from './results';
import { round, summarize } from './stats';

/*
 * Projection lag for a burst: BURST orders (default 1,000) from CONCURRENCY clients against a running
 * orders-write, then, per event, the time from its outbox row (created in the order's transaction) to its
 * application in Redis. The projector's dedup key holds the application time (Redis clock), so every event's lag
 * is exact, not a histogram bucket. Needs orders-write, the projector and their stores running (npm start, or one
 * `npm start -w services/<name>` each).
 *   npm run bench:projection-lag -w load
 */
const settings = {
  ordersUrl: process.env.ORDERS_URL ?? 'http://127.0.0.1:5001',
  burst: Number(process.env.BURST ?? 1000),
  concurrency: Number(process.env.CONCURRENCY ?? 10),
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  keyPrefix: process.env.REDIS_KEY_PREFIX ?? DEFAULT_KEY_PREFIX,
  database: process.env.MYSQL_DATABASE ?? 'store_manager',
  timeoutSeconds: Number(process.env.TIMEOUT_S ?? 120),
};
const SEED_USERS = [1, 2, 3];
const SEED_PRODUCTS = [1, 2, 4];
const dispatcher = new Agent({ connections: settings.concurrency });

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(`${settings.ordersUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    dispatcher,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

async function placeBurst(): Promise<number> {
  // Enough stock that the burst never meets a 409 (POST /stocks sets the level).
  for (const product_id of SEED_PRODUCTS) await post('/stocks', { product_id, quantity: 1_000_000 });
  let sent = 0;
  let placed = 0;
  const client = async () => {
    while (sent < settings.burst) {
      sent++;
      const items = [{ product_id: SEED_PRODUCTS[sent % 3]!, quantity: 1 + (sent % 3) }];
      const answer = await post('/orders', { user_id: SEED_USERS[sent % 3]!, items });
      if (answer.status === 201) placed++;
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, client));
  return placed;
}

async function main(): Promise<void> {
  const sql = await mysql.createConnection({
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
    database: settings.database,
  });
  const redis = new Redis(settings.redisUrl);
  try {
    const [[before]] = await sql.query<mysql.RowDataPacket[]>(
      'select coalesce(max(sequence), 0) as last from outbox',
    );
    const started = Date.now();
    const placed = await placeBurst();
    const sendSeconds = (Date.now() - started) / 1000;
    const [events] = await sql.query<mysql.RowDataPacket[]>(
      "select event_id, created_at from outbox where sequence > ? and type = 'OrderCreated' order by sequence",
      [before!.last],
    );
    const version = Number((await redis.get(versionPointerKey(settings.keyPrefix))) ?? 1);
    const dedupPrefix = projectionKeys(version, settings.keyPrefix).appliedEventPrefix;
    const deadline = Date.now() + settings.timeoutSeconds * 1000;
    let appliedAt: (string | null)[] = [];
    for (;;) {
      appliedAt = await redis.mget(events.map((event) => `${dedupPrefix}${event.event_id as string}`));
      if (appliedAt.every((value) => value !== null) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const lags = events.flatMap((event, index) => {
      const applied = appliedAt[index];
      return applied ? [Number(applied) - new Date(event.created_at as Date).getTime()] : [];
    });
    const lag = summarize(lags);
    writeResults('projection-lag', settings, [
      {
        orders: placed,
        'sent in s': round(sendSeconds, 2),
        'orders/s': round(placed / sendSeconds, 0),
        'events applied': lags.length,
        'lag p50 ms': round(lag.p50),
        'lag p90 ms': round(lag.p90),
        'lag p99 ms': round(lag.p99),
        'lag max ms': round(lag.max),
      },
    ]);
    if (lags.length < events.length) process.exitCode = 1;
  } finally {
    await sql.end();
    redis.disconnect();
    await dispatcher.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
