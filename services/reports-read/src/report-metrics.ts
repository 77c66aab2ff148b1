import { Counter, type Registry } from '@store/observability';
import type { ReportName } from './domain/report';

/** Domain counters of the read side; names kept from the reference so its dashboards keep working. */
export function createReportMetrics(registry: Registry) {
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
  return {
    countRequest: (report: ReportName) => requests[report].inc(),
    countRecompute: (report: ReportName) => recomputes.inc({ report }),
  };
}

export type ReportMetrics = ReturnType<typeof createReportMetrics>;
