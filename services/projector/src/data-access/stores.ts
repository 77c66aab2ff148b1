import type { Pool } from 'mysql2/promise';
import type { Logger } from '@store/observability';
import {
  closeRedis,
  createRedisClient,
  settleConnection,
  type ReadinessChecks,
  type RedisClient,
} from '@store/service-kit';
import type { Config } from '../config';
import { createMysqlPool } from './mysql-pool';
import { MysqlTotalsRepository } from './mysql-totals.repository';
import { OutboxLogRepository } from './outbox-log.repository';
import { ProjectionTotalsStore } from './projection-totals.store';
import { ProjectionStore } from './projection.store';

export interface Stores {
  redis: RedisClient;
  pool: Pool;
  projection: ProjectionStore;
  projectionTotals: ProjectionTotalsStore;
  mysqlTotals: MysqlTotalsRepository;
  outboxLog: OutboxLogRepository;
  readiness: ReadinessChecks;
  close(): Promise<void>;
}

/**
 * Redis and MySQL clients and the stores built on them. Redis commands fail fast while Redis is away (no
 * offline queue), so the consumer's handler throws and the runner retries the message later instead of holding
 * it in memory. The same rule made the CLIs fail at once ("Stream isn't writeable"): they used the client
 * before it had connected. Hence the wait for the first connection here (bounded; never throws).
 */
export async function openStores(config: Config, logger: Logger): Promise<Stores> {
  const redis = createRedisClient(config.REDIS_URL, logger, config.REDIS_CLUSTER_NODES);
  const pool = createMysqlPool(config);
  await settleConnection(redis);
  return {
    redis,
    pool,
    projection: new ProjectionStore(redis, config.REDIS_KEY_PREFIX, config.DEDUP_TTL_SECONDS),
    projectionTotals: new ProjectionTotalsStore(redis, config.REDIS_KEY_PREFIX),
    mysqlTotals: new MysqlTotalsRepository(pool),
    outboxLog: new OutboxLogRepository(pool),
    readiness: {
      redis: () => redis.ping(),
      mysql: () => pool.query('SELECT 1'),
    },
    close: async () => {
      await closeRedis(redis);
      await pool.end();
    },
  };
}
