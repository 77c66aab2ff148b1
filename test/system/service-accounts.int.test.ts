import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import { Redis } from 'ioredis';
import mysql from 'mysql2/promise';
import { createLogger } from '@store/observability';
import { httpClient, uniqueEmail, uniqueName } from '@store/testing';
import { readConfig as ordersWriteConfig } from '../../services/orders-write/src/config';
import { start as startOrdersWrite, type OrdersWrite } from '../../services/orders-write/src/app';
import { readConfig as projectorConfig } from '../../services/projector/src/config';
import { start as startProjector, type Projector } from '../../services/projector/src/app';
import { untilAvailable } from '../../services/projector/test/helpers';
import { readConfig as reportsConfig } from '../../services/reports-read/src/config';
import { start as startReports, type ReportsServer } from '../../services/reports-read/src/app';

/*
 * The plain-process stack's service accounts (infra/local/ensure-users.sh → infra/mysql/ensure-users.sh, the
 * script compose runs too): the whole pipeline works with them, and each account is refused what its service
 * must never do. The run owns its database, account names (own prefix, own password file), exchange and queues
 * (named store.* / projector.*, the only names the RabbitMQ account may touch) and Redis prefix.
 */
const REPO_ROOT = join(__dirname, '../..');
const run = randomUUID().replace(/-/g, '').slice(0, 8);
const database = `store_manager_accounts_${run}`;
const accountPrefix = `t${run}_`;
const names = {
  EVENTS_EXCHANGE: `store.test.${run}`,
  PROJECTOR_QUEUE: `projector.test.${run}`,
  DEAD_LETTER_QUEUE: `projector.test.${run}.dead-letter`,
};
const base = { PORT: '0', MYSQL_DATABASE: database, REDIS_KEY_PREFIX: `test:accounts:${run}:`, ...names };
const logger = createLogger('accounts-test', { level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const canManageRabbit =
  process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v rabbitmqctl']).status === 0;

let scratch: string;
let accounts: Record<string, string>;
let admin: mysql.Connection;
let writer: OrdersWrite | undefined;
let projector: Projector | undefined;
let reports: ReportsServer | undefined;

/** Runs the local stack's script and reads the `export A=1 B=2` lines it prints. */
function ensureAccounts(): Record<string, string> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MYSQL_DATABASE: database,
    STACK_ACCOUNT_PREFIX: accountPrefix,
    STACK_ACCOUNTS_FILE: join(scratch, 'accounts.env'),
  };
  for (const name of ['MYSQL_USER', 'PROJECTOR_MYSQL_USER', 'REPORTS_MYSQL_USER', 'AMQP_URL'])
    delete env[name];
  const result = spawnSync('bash', ['infra/local/ensure-users.sh'], {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`ensure-users.sh failed:\n${result.stderr}`);
  return Object.fromEntries(
    result.stdout
      .split('\n')
      .filter((line) => line.startsWith('export '))
      .flatMap((line) => line.slice('export '.length).split(' '))
      .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
}

const connectAs = (user: string, password: string) =>
  mysql.createConnection({ host: '127.0.0.1', user, password, database });

/** The error code MySQL answers `statement` with, as `user` (undefined when it is allowed). */
async function refusal(user: string, password: string, statement: string): Promise<string | undefined> {
  const connection = await connectAs(user, password);
  try {
    await connection.query(statement);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  } finally {
    await connection.end();
  }
}

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'service-accounts-'));
  admin = await mysql.createConnection({ host: '127.0.0.1', user: 'root', password: '' });
  // The schema first, with the admin account, as both stacks migrate before they grant.
  const migrating = await startOrdersWrite(
    ordersWriteConfig({ ...process.env, ...base, MIGRATE_ON_START: 'true', OUTBOX_RELAY_ENABLED: 'false' }),
    { logger },
  );
  await migrating.stop();
  accounts = ensureAccounts();
  const services = { ...process.env, ...base, ...accounts, RECONCILE_INTERVAL_SECONDS: '0' };
  writer = await startOrdersWrite(
    ordersWriteConfig({ ...services, MIGRATE_ON_START: 'false', OUTBOX_POLL_INTERVAL_MS: '50' }),
    { logger },
  );
  projector = await startProjector(projectorConfig(services), { logger });
  // The prefix starts empty: the projector builds its first projection by itself; the tests start once it is live.
  await untilAvailable(projector.stores.projection);
  reports = await startReports(
    reportsConfig({ ...services, REPORTS_SOURCE: 'mysql', REPORT_CACHE_TTL_SECONDS: '0' }),
    { logger },
  );
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([reports?.stop(), projector?.stop(), writer?.stop()]);
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  for (const role of ['orders', 'projector', 'reports'])
    for (const host of ['127.0.0.1', 'localhost'])
      await admin.query(`DROP USER IF EXISTS '${accountPrefix}${role}'@'${host}'`);
  await admin.end();
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const keys = await redis.keys(`${base.REDIS_KEY_PREFIX}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  const broker = await amqp.connect('amqp://127.0.0.1:5672'); // the machine's administrator (guest)
  const channel = await broker.createChannel();
  await channel.deleteQueue(names.PROJECTOR_QUEUE);
  await channel.deleteQueue(names.DEAD_LETTER_QUEUE);
  await channel.deleteExchange(names.EVENTS_EXCHANGE);
  await broker.close();
  if (canManageRabbit) spawnSync('rabbitmqctl', ['-q', 'delete_user', `${accountPrefix}app`]);
  rmSync(scratch, { recursive: true, force: true });
});

describe('service accounts of the plain-process stack', () => {
  test('When the services run with their own accounts, then an order reaches the projection and the MySQL report, with no drift', async () => {
    expect(accounts).toMatchObject({
      MYSQL_USER: `${accountPrefix}orders`,
      PROJECTOR_MYSQL_USER: `${accountPrefix}projector`,
      REPORTS_MYSQL_USER: `${accountPrefix}reports`,
    });
    if (canManageRabbit) expect(accounts.AMQP_URL).toMatch(new RegExp(`^amqp://${accountPrefix}app:`));
    const api = httpClient(writer!.url);
    const user = await api.post('/users', { name: uniqueName('Account'), email: uniqueEmail() });
    const applied = projector!.consumer.waitFor('ack');

    const order = await api.post('/orders', {
      user_id: user.body.user_id,
      items: [{ product_id: 2, quantity: 3 }],
    });

    expect(order.status).toBe(201);
    await applied;
    const report = await httpClient(reports!.url).get('/orders/reports/highest-spenders?limit=100');
    expect(report.body).toContainEqual({
      user_id: user.body.user_id,
      name: user.body.name,
      total_expense: 178.5,
    });
    expect((await projector!.reconcile()).mismatches).toBe(0);
  });

  test.each([
    ['orders-write', 'CREATE TABLE intruder (id INT)', 'MYSQL', 'ER_TABLEACCESS_DENIED_ERROR'],
    ['orders-write', 'DROP TABLE outbox', 'MYSQL', 'ER_TABLEACCESS_DENIED_ERROR'],
    ['projector', 'SELECT email FROM users LIMIT 1', 'PROJECTOR_MYSQL', 'ER_TABLEACCESS_DENIED_ERROR'],
    ['projector', 'DELETE FROM outbox WHERE 1 = 0', 'PROJECTOR_MYSQL', 'ER_TABLEACCESS_DENIED_ERROR'],
    ['reports-read', 'SELECT payload FROM outbox LIMIT 1', 'REPORTS_MYSQL', 'ER_TABLEACCESS_DENIED_ERROR'],
    [
      'reports-read',
      "UPDATE users SET name = 'x' WHERE id = 0",
      'REPORTS_MYSQL',
      'ER_TABLEACCESS_DENIED_ERROR',
    ],
  ])("When %s's account runs %s, then MySQL refuses it", async (_service, statement, variables, code) => {
    const refused = await refusal(
      accounts[`${variables}_USER`]!,
      accounts[`${variables}_PASSWORD`]!,
      statement,
    );

    expect(refused).toBe(code);
  });

  // The script makes the RabbitMQ account only where rabbitmqctl runs as root (CI and this machine do).
  (canManageRabbit ? test : test.skip)(
    "When the RabbitMQ account declares a name outside the store's own, then RabbitMQ refuses it",
    async () => {
      const connection = await amqp.connect(accounts.AMQP_URL!);
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      try {
        await expect(channel.assertExchange(`other.${run}`, 'topic', { durable: false })).rejects.toThrow(
          /ACCESS_REFUSED/,
        );
      } finally {
        await connection.close();
      }
    },
  );
});
