import { Counter, Histogram, type Registry } from '@store/observability';
import type { CacheResult, ReportName, SourceName } from './domain/report';

/** Every metric reports-read adds to the shared RED ones, named here and nowhere else. */
export function createReportMetrics(registry: Registry) {
  // Names kept from the original lab so its dashboards keep working: one per request, valid or not.
  const requests: Record<ReportName, Counter> = {
    'highest-spenders': new Counter({
      name: 'highest_spenders_total',
      help: 'Requests to the highest-spenders report',
      registers: [registry],
    }),
    'best-sellers': new Counter({
      name: 'best_sellers_total',
      help: 'Requests to the best-sellers report',
      registers: [registry],
    }),
  };
  const recomputes = new Counter({
    name: 'report_recomputes_total',
    help: 'Reports computed from the source (cache misses and expiries), by report',
    labelNames: ['report'] as const,
    registers: [registry],
  });
  const cacheRequests = new Counter({
    name: 'report_cache_requests_total',
    help: 'Report answers by cache outcome: hit (fresh), stale (past the TTL, served during a recompute), miss',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  const computeDuration = new Histogram({
    name: 'report_compute_duration_seconds',
    help: 'Time to compute a report from its source (failed attempts included), by report and source',
    labelNames: ['report', 'source'] as const,
    // A projection read takes well under a millisecond; a GROUP BY over a large order table, up to seconds.
    buckets: [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return {
    countRequest: (report: ReportName) => requests[report].inc(),
    countCacheResult: (result: CacheResult) => cacheRequests.inc({ result }),
    /** Counts and times one computation; its _count therefore equals report_recomputes_total. */
    timeCompute: async <T>(report: ReportName, source: SourceName, compute: () => Promise<T>): Promise<T> => {
      recomputes.inc({ report });
      const stopTimer = computeDuration.startTimer({ report, source });
      try {
        return await compute();
      } finally {
        stopTimer();
      }
    },
  };
}

export type ReportMetrics = ReturnType<typeof createReportMetrics>;
