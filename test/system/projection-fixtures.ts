import amqp from 'amqplib';
import type { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { TOTALS_SQL, rankedTotalsRowSchema } from '@store/contracts';
import { escapeGlob, scanKeys, type RedisClient } from '@store/service-kit';
import { uniqueSuffix } from '@store/testing';
import { migrate, openDatabase } from '../../services/orders-write/src/data-access/orm';

/*
 * Shared by the system tests of the projection (self-healing, Redis Cluster): a private database, queues and
 * key prefix per run, and the reports MySQL says are right (the contract's totals queries, rendered as the API
 * renders them).
 */

export interface PrivateRun {
  /** settings every service of the run takes (on top of process.env) */
  env: Record<string, string>;
  database: string;
  prefix: string;
}

export function privateRun(name: string): PrivateRun {
  const run = uniqueSuffix().replace(/\W/g, '');
  const database = `store_manager_${name}_${run}`;
  const prefix = `test:${name}:${run}:`;
  return {
    database,
    prefix,
    env: {
      PORT: '0',
      MYSQL_DATABASE: database,
      REDIS_KEY_PREFIX: prefix,
      PROJECTOR_QUEUE: `test.${name}.projector.${run}`,
      DEAD_LETTER_QUEUE: `test.${name}.projector.dead-letter.${run}`,
      EVENTS_EXCHANGE: `test.${name}.events.${run}`,
    },
  };
}

/**
 * A database of the run's own with orders-write's schema (its migrations: the foreign keys too, so deleting an
 * order deletes its items as in production) and its seed rows, which have no orders.
 */
export async function createPrivateDatabase(database: string): Promise<void> {
  const orm = await openDatabase({
    host: process.env.MYSQL_HOST ?? '127.0.0.1',
    port: Number(process.env.MYSQL_PORT ?? 3306),
    user: process.env.MYSQL_USER ?? 'root',
    password: process.env.MYSQL_PASSWORD ?? '',
    database,
    poolMax: 2,
  });
  try {
    await migrate(orm);
  } finally {
    await orm.close();
  }
}

export async function dropPrivateRun(admin: Pool, run: PrivateRun, redis: RedisClient): Promise<void> {
  await admin.query(`DROP DATABASE IF EXISTS \`${run.database}\``);
  // one key per call: on a cluster, the report cache keys are in other slots than the projection's
  await scanKeys(redis, `${escapeGlob(run.prefix)}*`, (keys) =>
    Promise.all(keys.map((key) => redis.unlink(key))),
  );
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  const channel = await connection.createChannel();
  await channel.deleteQueue(run.env.PROJECTOR_QUEUE!);
  await channel.deleteQueue(run.env.DEAD_LETTER_QUEUE!);
  await channel.deleteExchange(run.env.EVENTS_EXCHANGE!);
  await connection.close();
}

export interface ExpectedReports {
  spenders: { user_id: number; name: string; total_expense: number }[];
  sellers: { product_id: number; name: string; quantity_sold: number }[];
}

/** Both reports (top 100) as MySQL says they must read. */
export async function expectedReports(db: Pool | Connection): Promise<ExpectedReports> {
  const top = async (sql: string) =>
    (await db.query<RowDataPacket[]>(sql, [100]))[0].map((row) => rankedTotalsRowSchema.parse(row));
  return {
    spenders: (await top(TOTALS_SQL.userSpend.top)).map(({ id, name, total }) => ({
      user_id: id,
      name,
      total_expense: total / 100,
    })),
    sellers: (await top(TOTALS_SQL.productUnits.top)).map(({ id, name, total }) => ({
      product_id: id,
      name,
      quantity_sold: total,
    })),
  };
}
