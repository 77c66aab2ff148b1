import {
  createLogger,
  createMetricsRegistry,
  inSpan,
  type Logger,
  type Registry,
} from '@store/observability';
import {
  Lifecycle,
  closeRedis,
  createMysqlPool,
  createRedisClient,
  listen,
  readerMysqlSettings,
  settleConnection,
  type ReadinessChecks,
  type RunningServer,
} from '@store/service-kit';
import type { Config } from './config';
import { createMysqlReportsRepository } from './data-access/mysql-reports.repository';
import { createProjectionStore } from './data-access/projection.store';
import { createReportCacheStore } from './data-access/report-cache.store';
import { withFallback } from './domain/fallback-source';
import { createGetReport } from './domain/get-report.use-case';
import type { ReportSource } from './domain/report';
import { createApp } from './entry-points/http/server';
import { createReportMetrics } from './metrics';

const SERVICE = 'reports-read';

export interface Overrides {
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

/**
 * The composition root: starts one reports-read instance (main.ts, tests and every stack come through here).
 * Several may run in one process, each with its own clients and metrics registry.
 */
export async function start(config: Config, overrides: Partial<Overrides> = {}): Promise<ReportsServer> {
  const logger = overrides.logger ?? createLogger(SERVICE);
  const lifecycle = new Lifecycle(logger);
  const metrics = createMetricsRegistry(SERVICE);
  const reportMetrics = createReportMetrics(metrics);

  // Shutdown steps run in registration order: stop taking requests before closing the stores they use.
  let http: RunningServer | undefined;
  lifecycle.onShutdown('http', async () => http?.close());
  const redis = createRedisClient(config.REDIS_URL, logger, config.REDIS_CLUSTER_NODES);
  lifecycle.onShutdown('redis', () => closeRedis(redis));
  const readiness: ReadinessChecks = { redis: () => redis.ping() };
  let source: ReportSource = createProjectionStore(redis, config.REDIS_KEY_PREFIX);
  if (config.REPORTS_SOURCE === 'mysql' || config.REPORTS_FALLBACK === 'mysql') {
    // mysql2 connects lazily: as a fallback only, the pool opens no connection until the projection is missing.
    const pool = createMysqlPool(readerMysqlSettings(config, 'REPORTS_'));
    lifecycle.onShutdown('mysql', () => pool.end());
    const mysql = createMysqlReportsRepository(pool);
    if (config.REPORTS_SOURCE === 'mysql') {
      readiness.mysql = () => pool.query('SELECT 1');
      source = mysql;
    } else {
      source = withFallback(source, mysql);
    }
  }

  const getReport = createGetReport({
    source,
    cache: createReportCacheStore(redis, config.REDIS_KEY_PREFIX),
    ttlSeconds: config.REPORT_CACHE_TTL_SECONDS,
    now: overrides.now ?? Date.now,
    // Names and counts only in attributes: a report's rows (people's names) stay out of traces.
    instrumentCompute: (report, sourceName, compute) =>
      inSpan('compute report', () => reportMetrics.timeCompute(report, sourceName, compute), {
        attributes: { 'report.name': report, 'report.source': sourceName },
      }),
    onCacheResult: (_report, result) => reportMetrics.countCacheResult(result),
  });

  const app = createApp({ logger, registry: metrics, readiness, getReport, reportMetrics });

  try {
    await settleConnection(redis);
    http = await listen(app, config.PORT, config.HOST);
  } catch (error) {
    await lifecycle.shutdown();
    throw error;
  }
  logger.info(
    { url: http.url, source: source.name, ttl: config.REPORT_CACHE_TTL_SECONDS },
    'reports-read listening',
  );
  return { url: http.url, port: http.port, metrics, stop: () => lifecycle.shutdown() };
}
