import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads the process environment through one zod schema and fails fast with every bad variable named.
 * Each service calls this once, in its config.ts; nothing else reads process.env.
 */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Environment helpers: env values are strings, so numbers and booleans are coerced explicitly. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'])
      .default(fallback ? 'true' : 'false')
      .transform((value) => ['true', '1', 'yes', 'on'].includes(value)),
  string: (fallback: string) => z.string().min(1).default(fallback),
};

/**
 * The MySQL variables every service reads (MYSQL_*), with defaults that work on this machine: its MariaDB admin
 * account, which has no password there. Real passwords only ever come from the environment.
 */
export const mysqlEnv = (poolMax: number) => ({
  MYSQL_HOST: env.string('127.0.0.1'),
  MYSQL_PORT: env.port(3306),
  MYSQL_USER: env.string('root'),
  MYSQL_PASSWORD: z.string().default(''),
  MYSQL_DATABASE: env.string('store_manager'),
  MYSQL_POOL_MAX: env.int(poolMax, 1),
});

type MysqlEnv = { [K in keyof ReturnType<typeof mysqlEnv>]: z.infer<ReturnType<typeof mysqlEnv>[K]> };

export interface MysqlSettings {
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  poolMax: number;
}

export const mysqlSettings = (config: MysqlEnv): MysqlSettings => ({
  host: config.MYSQL_HOST,
  port: config.MYSQL_PORT,
  user: config.MYSQL_USER,
  password: config.MYSQL_PASSWORD,
  database: config.MYSQL_DATABASE,
  poolMax: config.MYSQL_POOL_MAX,
});

/** Empty is unset: compose passes `${VAR:-}` as an empty string. */
const unlessEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const mysqlOverride = {
  HOST: unlessEmpty(z.string()),
  PORT: unlessEmpty(z.coerce.number().int().min(1).max(65535)),
  USER: unlessEmpty(z.string()),
  PASSWORD: unlessEmpty(z.string()),
  DATABASE: unlessEmpty(z.string()),
};
type MysqlOverride = typeof mysqlOverride;
type MysqlOverrideEnv<P extends string> = {
  [K in keyof MysqlOverride as `${P}MYSQL_${K}`]: MysqlOverride[K];
};
type MysqlOverrideValues<P extends string> = {
  [K in keyof MysqlOverride as `${P}MYSQL_${K}`]?: z.infer<MysqlOverride[K]>;
};

/**
 * A reader's own connection, `<prefix>MYSQL_HOST|PORT|USER|PASSWORD|DATABASE` (e.g. REPORTS_MYSQL_HOST): a read
 * replica, or an account that may only SELECT. Each one left unset (or empty) is the primary's MYSQL_* value.
 */
export function mysqlReaderEnv<P extends string>(prefix: P): MysqlOverrideEnv<P> {
  return Object.fromEntries(
    Object.entries(mysqlOverride).map(([name, schema]) => [`${prefix}MYSQL_${name}`, schema]),
  ) as MysqlOverrideEnv<P>;
}

/** The settings of a reader's connection: its own variables over the primary's (see mysqlReaderEnv). */
export function readerMysqlSettings<P extends string>(
  config: MysqlEnv & MysqlOverrideValues<P>,
  prefix: P,
): MysqlSettings {
  const own = config as unknown as Record<string, string | number | undefined>;
  const primary = mysqlSettings(config);
  const read = <T extends string | number>(name: keyof MysqlOverride, fallback: T): T =>
    (own[`${prefix}MYSQL_${name}`] as T | undefined) ?? fallback;
  return {
    host: read('HOST', primary.host),
    port: read('PORT', primary.port),
    user: read('USER', primary.user),
    password: read('PASSWORD', primary.password),
    database: read('DATABASE', primary.database),
    poolMax: primary.poolMax,
  };
}
