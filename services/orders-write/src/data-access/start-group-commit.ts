import { randomUUID } from 'node:crypto';
import type { Logger } from '@store/observability';
import { createMysqlPool, mysqlSettings } from '@store/service-kit';
import type { Config } from '../config';
import { SqlOrderBatchStore, type OrderBatchHooks } from './order-batch.store';
import { OrderBatcher } from '../domain/group-commit';
import type { CommittedEvent } from '../domain/group-commit.ports';
import type { WriteMetrics } from '../metrics';
import { orderBatchTelemetry } from './order-batch.telemetry';

/**
 * The group commit with its own mysql2 pool (multi-statement batches; see order-batch.store.ts): one connection
 * per writer, and one more to learn a failed write's outcome. The N+1 experiment is about the per-order path,
 * so PRODUCT_LOOKUP=n-plus-one keeps every order on it.
 */
export function startGroupCommit(
  config: Config,
  deps: {
    metrics: WriteMetrics;
    logger: Logger;
    now: () => Date;
    onQuery: (sql: string) => void;
    committed: (events: CommittedEvent[]) => void;
    hooks?: OrderBatchHooks;
  },
): { batcher: OrderBatcher; stop: () => Promise<void> } | undefined {
  if (config.ORDER_BATCHING === 'off' || config.PRODUCT_LOOKUP === 'n-plus-one') return undefined;
  const pool = createMysqlPool(
    { ...mysqlSettings(config), poolMax: config.ORDER_BATCH_WRITERS + 1 },
    { multipleStatements: true },
  );
  const store = new SqlOrderBatchStore(pool, {
    onQuery: deps.onQuery,
    ...(deps.hooks ? { hooks: deps.hooks } : {}),
  });
  const batcher = new OrderBatcher(
    {
      store,
      telemetry: orderBatchTelemetry(deps.metrics, deps.logger),
      now: deps.now,
      newEventId: randomUUID,
      maxAttempts: config.ORDER_BATCH_ATTEMPTS,
      committed: deps.committed,
    },
    {
      maxBatch: config.ORDER_BATCH_MAX,
      writers: config.ORDER_BATCH_WRITERS,
      waitMs: config.ORDER_BATCH_WAIT_MS,
    },
  );
  return {
    batcher,
    // After the HTTP server stopped taking requests: the batches in flight finish, then the pool closes.
    stop: async () => {
      await batcher.drained();
      await pool.end();
    },
  };
}
