import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import type { Pool } from 'mysql2/promise';
import { uniqueSuffix, testDatabase } from '@store/testing';
import { createMysqlPool } from '../src/data-access/mysql-pool';
import { ProjectionStore } from '../src/data-access/projection.store';
import { createProduct, createUser, deletePrefix, line, placeOrder, testConfig, testPrefix } from './helpers';

jest.setTimeout(60_000);

const ROOT = resolve(__dirname, '../../..');
const SCHEMA_FROM = testDatabase();
const TABLES = ['users', 'products', 'orders', 'order_items', 'outbox'];

/** Runs `npm run <script> -w services/projector` as the README gives it (its pre-script builds first). */
async function npmRun(script: 'rebuild' | 'reconcile', env: Record<string, string>) {
  const child = spawn('npm', ['run', script, '-w', 'services/projector'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

/*
 * The CLIs against a database of their own (the shared one has other tests' orders, so a full reconciliation
 * there never reads zero) and a Redis prefix of their own.
 */
describe('rebuild and reconcile commands (child processes, real MariaDB and Redis)', () => {
  const database = `store_manager_projector_cli_${uniqueSuffix().replace(/\W/g, '_')}`;
  const env = { MYSQL_DATABASE: database, REDIS_KEY_PREFIX: testPrefix() };
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const projection = new ProjectionStore(redis, env.REDIS_KEY_PREFIX, 3600);
  let admin: Pool;
  let pool: Pool;
  let product: { id: number; name: string };

  beforeAll(async () => {
    admin = createMysqlPool(testConfig());
    await admin.query(`CREATE DATABASE \`${database}\``);
    for (const table of TABLES) {
      await admin.query(`CREATE TABLE \`${database}\`.${table} LIKE \`${SCHEMA_FROM}\`.${table}`);
    }
    pool = createMysqlPool(testConfig(env));
    const user = await createUser(pool);
    product = await createProduct(pool, 250);
    await placeOrder(pool, user, [{ ...line(product.id, 2, 250), name: product.name }]);
    await placeOrder(pool, user, [{ ...line(product.id, 1, 250), name: product.name }]);
  });

  afterAll(async () => {
    await pool.end();
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
    await deletePrefix(redis, env.REDIS_KEY_PREFIX);
    await redis.quit();
  });

  test('When the projection is rebuilt from the outbox, then reconcile prints no drift and exits 0', async () => {
    const rebuilt = await npmRun('rebuild', env);
    const reconciled = await npmRun('reconcile', env);

    expect(rebuilt).toMatchObject({ code: 0 });
    expect(rebuilt.stdout).toContain('"replayed":2');
    expect(reconciled).toMatchObject({ code: 0 });
    expect(reconciled.stdout).toContain('drift: 0 mismatched entries, 0 total absolute difference');
  });

  test('When the projection is tampered with, then reconcile prints the drifting entry and exits 1', async () => {
    const { live } = await projection.readVersions();
    await redis.zincrby(projection.keys(live).bestSellers, 2, String(product.id));

    const reconciled = await npmRun('reconcile', env);

    expect(reconciled.code).toBe(1);
    expect(reconciled.stdout).toContain(
      `product ${product.id}: mysql 3 units, projection 5 units (difference 2)`,
    );
    expect(reconciled.stdout).toContain('drift: 1 mismatched entries, 2 total absolute difference');
  });
});
