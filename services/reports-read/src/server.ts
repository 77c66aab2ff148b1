import { createLogger, createMetricsRegistry, type Logger, type Registry } from '@store/observability';
import {
  Lifecycle,
  closeRedis,
  createHttpApp,
  createMysqlPool,
  createRedisClient,
  finishHttpApp,
  listen,
  mysqlSettings,
  settleConnection,
  type ReadinessChecks,
} from '@store/service-kit';
import type { Config } from './config';
import { createMysqlReportsRepository } from './data-access/mysql-reports.repository';
import { createProjectionStore } from './data-access/projection.store';
import { createReportCacheStore } from './data-access/report-cache.store';
import { createGetReport } from './domain/get-report.use-case';
import type { ReportSource } from './domain/report';
import { reportsRouter } from './entry-points/http/reports.routes';
import { createReportMetrics } from './report-metrics';

export const SERVICE = 'reports-read';

export interface ServerDeps {
  logger: Logger;
  /** The clock of the cache (epoch ms); tests share a controllable one between instances. */
  now: () => number;
}

export interface ReportsServer {
  url: string;
  port: number;
  metrics: Registry;
  /** Stops HTTP first, then closes Redis and the MySQL pool. Safe to call twice. */
  stop(): Promise<void>;
}

/** Starts one reports-read instance; several may run in one process (each has its own clients and registry). */
export async function start(config: Config, deps: Partial<ServerDeps> = {}): Promise<ReportsServer> {
  const logger = deps.logger ?? createLogger(SERVICE);
  const lifecycle = new Lifecycle(logger);
  const metrics = createMetricsRegistry(SERVICE);
  const reportMetrics = createReportMetrics(metrics);

  const redis = createRedisClient(config.REDIS_URL, logger);
  const readiness: ReadinessChecks = { redis: () => redis.ping() };
  let source: ReportSource = createProjectionStore(redis, config.REDIS_KEY_PREFIX);
  let closePool = (): Promise<void> => Promise.resolve();
  if (config.REPORTS_SOURCE === 'mysql') {
    const pool = createMysqlPool(mysqlSettings(config));
    readiness.mysql = () => pool.query('SELECT 1');
    source = createMysqlReportsRepository(pool);
    closePool = () => pool.end();
  }

  const getReport = createGetReport({
    source,
    cache: createReportCacheStore(redis, config.REDIS_KEY_PREFIX),
    ttlSeconds: config.REPORT_CACHE_TTL_SECONDS,
    now: deps.now ?? Date.now,
    onRecompute: reportMetrics.countRecompute,
  });

  const app = createHttpApp({ service: SERVICE, logger, metrics, readiness });
  app.use(reportsRouter(getReport, reportMetrics));
  finishHttpApp(app, logger);

  await settleConnection(redis);
  const http = await listen(app, config.PORT, config.HOST);
  lifecycle.onShutdown('http', () => http.close());
  lifecycle.onShutdown('redis', () => closeRedis(redis));
  lifecycle.onShutdown('mysql', closePool);
  logger.info(
    { url: http.url, source: source.name, ttl: config.REPORT_CACHE_TTL_SECONDS },
    'reports-read listening',
  );
  return { url: http.url, port: http.port, metrics, stop: () => lifecycle.shutdown() };
}
