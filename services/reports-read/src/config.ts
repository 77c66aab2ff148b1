import { z } from 'zod';
import { DEFAULT_KEY_PREFIX } from '@store/contracts';
import { env, loadConfig, mysqlEnv } from '@store/service-kit';

const schema = z.object({
  HOST: env.string('127.0.0.1'),
  PORT: env.port(5101),
  REDIS_URL: env.string('redis://127.0.0.1:6379'),
  /** Namespaces every key (projection and report cache) so test runs can share one Redis. */
  REDIS_KEY_PREFIX: env.string(DEFAULT_KEY_PREFIX),
  /** `mysql` exists for the comparison experiments: GROUP BY on the source of truth. */
  REPORTS_SOURCE: z.enum(['projection', 'mysql']).default('projection'),
  /** 0 turns the report cache off. */
  REPORT_CACHE_TTL_SECONDS: env.int(60, 0),
  ...mysqlEnv(10),
});

export type Config = z.infer<typeof schema>;

export const readConfig = (source: NodeJS.ProcessEnv = process.env): Config => loadConfig(schema, source);
