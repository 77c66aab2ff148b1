import { createPool, type Pool } from 'mysql2/promise';
import { Redis } from 'ioredis';
import { projectionControlKeys } from '@store/contracts';
import { createLogger } from '@store/observability';
import { escapeGlob, scanKeys } from '@store/service-kit';
import { eventually, httpClient, parseMetrics, type HttpClient } from '@store/testing';
import { readConfig as projectorConfig } from '../../services/projector/src/config';
import { start as startProjector, type Projector } from '../../services/projector/src/app';
import { createMysqlPool } from '../../services/projector/src/data-access/mysql-pool';
import { TestBroker } from '../../services/projector/test/broker';
import {
  createProduct,
  createUser,
  deleteOrder,
  line,
  placeOrder,
  untilAvailable,
} from '../../services/projector/test/helpers';
import { readConfig as reportsConfig } from '../../services/reports-read/src/config';
import { start as startReports, type ReportsServer } from '../../services/reports-read/src/app';
import {
  createPrivateDatabase,
  dropPrivateRun,
  expectedReports,
  privateRun,
  type ExpectedReports,
} from './projection-fixtures';

/*
 * Redis loses everything, and nobody says a word: the projector notices by itself (no complete live version)
 * and rebuilds the projection from the event log (the outbox), while reports-read answers from MySQL (fallback)
 * or 503 (no fallback), and never a wrong total. "Loses everything" is every key of the run's own prefix
 * deleted in ONE atomic step, as FLUSHALL does (the shared Redis is never flushed).
 */
jest.setTimeout(90_000);

const run = privateRun('self_heal');
const logger = createLogger('self-heal-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const admin = createPool({ host: '127.0.0.1', user: 'root', password: '', connectionLimit: 2 });
const REPORTS = ['highest-spenders', 'best-sellers'] as const;
/** Past this, healing is broken, not slow: a rebuild of a few events takes milliseconds. */
const HEAL_BOUND_MS = 20_000;

let projector: Projector;
let withFallback: ReportsServer;
let withoutFallback: ReportsServer;
let pool: Pool;
let broker: TestBroker;

beforeAll(async () => {
  await createPrivateDatabase(run.database);
  const env = { ...process.env, ...run.env };
  projector = await startProjector(
    projectorConfig({
      ...env,
      PROJECTION_CHECK_INTERVAL_MS: '100',
      RECONCILE_INTERVAL_SECONDS: '0',
      REBUILD_BATCH_SIZE: '2',
    }),
    { logger },
  );
  withFallback = await startReports(reportsConfig({ ...env, REPORT_CACHE_TTL_SECONDS: '1' }), { logger });
  withoutFallback = await startReports(
    reportsConfig({ ...env, REPORT_CACHE_TTL_SECONDS: '1', REPORTS_FALLBACK: 'none' }),
    { logger },
  );
  pool = createMysqlPool(projectorConfig(env));
  broker = await TestBroker.open();
});

afterAll(async () => {
  await Promise.allSettled([withFallback?.stop(), withoutFallback?.stop()]);
  await projector?.stop();
  await broker?.close([]);
  await pool?.end();
  await dropPrivateRun(admin, run, redis);
  await admin.end();
  redis.disconnect();
});

/** What the relay does: the outbox row has committed, then the event is published; resolves once acked. */
async function deliver(event: Awaited<ReturnType<typeof placeOrder>>): Promise<void> {
  const acked = projector.consumer.waitFor('ack', (info) => info.messageId === event.event_id, 30_000);
  broker.publish(run.env.PROJECTOR_QUEUE!, event);
  await acked;
}

interface Answer {
  status: number;
  source: string | null;
  body: unknown;
}

async function readAll(): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (const server of [withFallback, withoutFallback]) {
    const client: HttpClient = httpClient(server.url);
    for (const report of REPORTS) {
      const response = await client.get(`/orders/reports/${report}?limit=100`);
      answers.push({
        status: response.status,
        source: response.headers.get('x-report-source'),
        body: response.body,
      });
    }
  }
  return answers;
}

/** Every answer is one of the right ones (MySQL's truth before or after the newest order), or a plain 503. */
function expectNeverWrong(answers: Answer[], rightOnes: ExpectedReports[]): void {
  answers.forEach((answer, i) => {
    if (answer.status === 503) {
      expect(answer.body).toMatchObject({ code: 'UNAVAILABLE' });
      return;
    }
    const report = i % 2 === 0 ? 'spenders' : 'sellers';
    expect(rightOnes.map((right) => right[report])).toContainEqual(answer.body);
  });
}

const available = async () =>
  parseMetrics((await httpClient(projector.url).get<string>('/metrics')).body).value('projection_available');

const rebuilds = async (reason: string) =>
  parseMetrics((await httpClient(projector.url).get<string>('/metrics')).body).value(
    'projection_rebuilds_total',
    {
      reason,
    },
  );

it('When Redis loses every projection key, then the projector rebuilds by itself and no report is ever wrong meanwhile', async () => {
  // Arrange: a projection built from orders that went through the pipeline (one deleted again).
  await untilAvailable(projector.stores.projection);
  const [ada, alan] = [await createUser(pool), await createUser(pool)];
  const [laptop, screen] = [await createProduct(pool, 199_999), await createProduct(pool, 29_975)];
  const laptops = (n: number) => ({ ...line(laptop.id, n, 199_999), name: laptop.name });
  const screens = (n: number) => ({ ...line(screen.id, n, 29_975), name: screen.name });
  const placed = [
    await placeOrder(pool, ada, [laptops(1), screens(2)]),
    await placeOrder(pool, alan, [screens(3)]),
    await placeOrder(pool, alan, [laptops(2)]),
  ];
  for (const event of placed) await deliver(event);
  await deliver(await deleteOrder(pool, placed[1]!));
  const before = await expectedReports(pool);
  expect(before.spenders.map((row) => row.user_id)).toEqual([alan.id, ada.id]);
  expectNeverWrong(await readAll(), [before]);
  const rebuildsBefore = await rebuilds('missing');

  // Act: everything goes at once, and another replica seems to hold the rebuild lock for a moment, so the
  // window without a projection is certain to be seen.
  const keys: string[] = [];
  await scanKeys(redis, `${escapeGlob(run.prefix)}*`, (batch) => keys.push(...batch));
  await redis
    .multi()
    .unlink(...keys)
    .set(projectionControlKeys(run.prefix).rebuildLock, 'someone else', 'PX', 30_000)
    .exec();

  // Assert, meanwhile: MySQL answers through the fallback, 503 without it, nothing is cached.
  const meanwhile = await readAll();
  expect(meanwhile.map((answer) => [answer.status, answer.source])).toEqual([
    [200, 'mysql'],
    [200, 'mysql'],
    [503, null],
    [503, null],
  ]);
  expectNeverWrong(meanwhile, [before]);
  await eventually('projection_available to say 0', async () =>
    (await available()) === 0 ? true : undefined,
  );
  // An order placed and delivered while Redis is empty is not lost: the rebuild replays it from the log.
  await deliver(await placeOrder(pool, ada, [screens(1)]));
  const after = await expectedReports(pool);
  expectNeverWrong(await readAll(), [before, after]);
  const cached: string[] = [];
  await scanKeys(redis, `${escapeGlob(run.prefix)}report-cache:*`, (batch) => cached.push(...batch));
  expect(cached).toEqual([]);
  await redis.del(projectionControlKeys(run.prefix).rebuildLock); // "the other replica" gives up

  const started = Date.now();
  await eventually(
    'the projection to be rebuilt and answer again',
    async () => {
      const answers = await readAll();
      expectNeverWrong(answers, [before, after]);
      const healed = answers.every((a) => a.status === 200 && a.source === 'projection');
      return healed ? answers : undefined;
    },
    { timeoutMs: HEAL_BOUND_MS, intervalMs: 20 },
  );

  // Assert: healed by itself within the bound, complete (the order of the outage included), and counted.
  expect(Date.now() - started).toBeLessThan(HEAL_BOUND_MS);
  expectNeverWrong(await readAll(), [after]);
  // counted once the rebuild has returned, which is after readers see the new version: waited for, not assumed
  await eventually('the rebuild to be counted', async () =>
    (await rebuilds('missing')) > rebuildsBefore ? true : undefined,
  );
  expect(await rebuilds('missing')).toBe(rebuildsBefore + 1);
  await eventually('projection_available to say 1', async () =>
    (await available()) === 1 ? true : undefined,
  );
  expect(await projector.reconcile()).toMatchObject({ mismatches: 0 });
});
