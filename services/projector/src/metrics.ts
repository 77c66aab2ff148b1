import { Counter, Gauge, Histogram, type Registry } from '@store/observability';

/** The projector's own metrics (every name the projector exports is here), on the registry /metrics serves. */
export function createProjectorMetrics(registry: Registry) {
  return {
    applied: new Counter({
      name: 'events_applied_total',
      help: 'Events applied to the live projection, by event type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'events_duplicate_total',
      help: 'Events received again after they had been applied (ignored by the dedup key)',
      registers: [registry],
    }),
    deadLettered: new Counter({
      name: 'events_dead_lettered_total',
      help: 'Messages sent to the dead-letter queue because they could not be parsed or validated',
      registers: [registry],
    }),
    lag: new Histogram({
      name: 'projection_lag_seconds',
      help: 'Time from the event (outbox commit) to its application in Redis',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    rebuilds: new Counter({
      name: 'projection_rebuilds_total',
      help: 'Rebuilds that switched the live version: requested (admin, CLI) or by the self-heal check (missing, rolled-back)',
      labelNames: ['reason'] as const,
      registers: [registry],
    }),
    available: new Gauge({
      name: 'projection_available',
      help: '1 while the live projection is complete (readers use it), 0 while it is missing or being rebuilt',
      registers: [registry],
    }),
    drift: new Gauge({
      name: 'projection_drift',
      help: 'Users and products whose projected total differs from MySQL at the last reconciliation',
      registers: [registry],
    }),
  };
}

export type ProjectorMetrics = ReturnType<typeof createProjectorMetrics>;
