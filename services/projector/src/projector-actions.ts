import type { Logger } from '@store/observability';
import type { Config } from './config';
import type { Stores } from './dependencies';
import type { IdFilter } from './domain/ports';
import { rebuildProjection, type RebuildProgress, type RebuildResult } from './domain/rebuild.use-case';
import { reconcile, type ReconcileReport } from './domain/reconcile.use-case';
import type { ProjectorMetrics } from './projector-metrics';

export interface ProjectorActions {
  rebuild(onProgress?: (progress: RebuildProgress) => Promise<void> | void): Promise<RebuildResult>;
  /** A full reconciliation (no filter) also sets the projection_drift gauge; a filtered one only answers. */
  reconcile(filter?: IdFilter): Promise<ReconcileReport>;
}

/** The use cases bound to this process's stores: what the admin routes, the schedule and tests call. */
export function createProjectorActions(
  config: Config,
  stores: Stores,
  metrics: ProjectorMetrics,
  logger: Logger,
): ProjectorActions {
  return {
    rebuild: (onProgress) =>
      rebuildProjection({
        log: stores.outboxLog,
        target: stores.projection,
        logger,
        batchSize: config.REBUILD_BATCH_SIZE,
        onProgress,
      }),
    reconcile: async (filter = {}) => {
      const report = await reconcile(
        { mysql: stores.mysqlTotals, projection: stores.projectionTotals },
        filter,
      );
      if (!filter.userIds && !filter.productIds) metrics.drift.set(report.mismatches);
      return report;
    },
  };
}
