import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { validate } from '@store/service-kit';
import type { GetReport, ReportAnswer } from '../../domain/get-report.use-case';
import { REPORT_NAMES } from '../../domain/report';
import type { ReportMetrics } from '../../metrics';

const LIMIT_RULE = 'must be an integer from 1 to 100';

const querySchema = z.object({
  limit: z
    .string({ error: LIMIT_RULE })
    .regex(/^[0-9]{1,3}$/, LIMIT_RULE)
    .default('10')
    .transform(Number)
    .pipe(z.number().int().min(1, LIMIT_RULE).max(100, LIMIT_RULE)),
});

export function reportsRouter(getReport: GetReport, metrics: ReportMetrics): Router {
  const router = express.Router();
  for (const report of REPORT_NAMES) {
    router.get(`/orders/reports/${report}`, async (req, res) => {
      metrics.countRequest(report);
      const { limit } = validate(querySchema, req.query, 'query');
      send(res, await getReport({ report, limit }));
    });
  }
  return router;
}

/** The body is already rendered JSON (that is what the cache keeps); freshness travels in headers. */
function send(res: Response, answer: ReportAnswer): void {
  res.set({
    'X-Cache': answer.cache,
    'X-Report-Source': answer.source,
    Age: String(answer.ageSeconds),
    'Cache-Control': answer.cacheable ? `max-age=${answer.maxAgeSeconds}` : 'no-store',
  });
  if (answer.cacheable) res.set('X-Cache-Status', answer.stale ? 'STALE' : 'FRESH');
  // Absent only when the projection has applied no event yet: there is no such time to report.
  if (answer.dataAsOf !== null) res.set('X-Data-As-Of', answer.dataAsOf);
  res.type('application/json').send(answer.body);
}
