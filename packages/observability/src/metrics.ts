import type { NextFunction, Request, Response, Router } from 'express';
import express from 'express';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** A registry per process (not prom-client's global one) so tests can run several apps in one process. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * RED metrics per route: rate and errors come from the histogram's _count by status, duration from its buckets.
 * The route label is the Express route template (/orders/:id), never the raw path, to keep cardinality bounded.
 */
export function httpMetricsMiddleware(registry: Registry) {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (req: Request, res: Response, next: NextFunction): void => {
    const stop = duration.startTimer();
    res.on('finish', () => {
      stop({ method: req.method, route: routeTemplate(req), status_code: String(res.statusCode) });
    });
    next();
  };
}

export function routeTemplate(req: Request): string {
  const route = req.route as { path?: unknown } | undefined;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  return 'unmatched';
}

export function metricsRouter(registry: Registry): Router {
  const router = express.Router();
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', registry.contentType).send(await registry.metrics());
  });
  return router;
}
