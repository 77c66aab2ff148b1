import type { Express } from 'express';
import type { Logger, Registry } from '@store/observability';
import { createHttpApp, finishHttpApp, type ReadinessChecks } from '@store/service-kit';
import type { GetReport } from '../../domain/get-report.use-case';
import type { ReportMetrics } from '../../metrics';
import { reportsRouter } from './reports.routes';

export interface HttpDeps {
  logger: Logger;
  registry: Registry;
  readiness: ReadinessChecks;
  getReport: GetReport;
  reportMetrics: ReportMetrics;
}

/** Health, /metrics and the report routes, in the error shape of API.md. */
export function createApp(deps: HttpDeps): Express {
  const app = createHttpApp({
    service: 'reports-read',
    logger: deps.logger,
    metrics: deps.registry,
    readiness: deps.readiness,
  });
  app.use(reportsRouter(deps.getReport, deps.reportMetrics));
  finishHttpApp(app, deps.logger);
  return app;
}
