import { z } from 'zod';
import { DEFAULT_KEY_PREFIX } from '@store/contracts';
import { env, loadConfig, mysqlEnv, mysqlReaderEnv, redisClusterNodesEnv } from '@store/service-kit';

const schema = z.object({
  HOST: env.string('127.0.0.1'),
  PORT: env.port(5101),
  REDIS_URL: env.string('redis://127.0.0.1:6379'),
  /** Namespaces every key (projection and report cache) so test runs can share one Redis. */
  REDIS_KEY_PREFIX: env.string(DEFAULT_KEY_PREFIX),
  /** `host:port,…` of Redis Cluster nodes; empty (default): the one server at REDIS_URL. */
  REDIS_CLUSTER_NODES: redisClusterNodesEnv(),
  /** `mysql` exists for the comparison experiments: GROUP BY on the source of truth. */
  REPORTS_SOURCE: z.enum(['projection', 'mysql']).default('projection'),
  /**
   * Who answers while the projection is missing or being rebuilt (Redis lost it): `mysql` (GROUP BY on the same
   * MySQL as the mysql source, uncached) or `none` (503 UNAVAILABLE). Never a partial answer.
   */
  REPORTS_FALLBACK: z.enum(['mysql', 'none']).default('mysql'),
  /** 0 turns the report cache off. */
  REPORT_CACHE_TTL_SECONDS: env.int(60, 0),
  ...mysqlEnv(10),
  /**
   * Where the mysql source reads: REPORTS_MYSQL_HOST|PORT|USER|PASSWORD|DATABASE, each defaulting to its MYSQL_*
   * value. Point it at a read replica (reports tolerate its lag) and an account that may only SELECT.
   */
  ...mysqlReaderEnv('REPORTS_'),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config => loadConfig(schema, source);
