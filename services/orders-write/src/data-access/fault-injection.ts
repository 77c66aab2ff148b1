import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@store/observability';
import type { OrderBatchHooks } from './order-batch.store';

/*
 * Test-only crash points for the fault drills (`npm run chaos`, tools/chaos). Nothing happens unless
 * FAULT_INJECTION names points. A named point fires ONCE, when the drill has created the file
 * <FAULT_INJECTION_DIR>/<point>: the first process to reach the point takes the file (unlink succeeds for one
 * process only) and kills itself with SIGKILL — no shutdown, no flush, like a power cut. A process restarted
 * with the same environment finds no file and runs normally.
 *
 * - crash-after-commit-before-publish: right after a transaction committed (an order batch, an order, a
 *   deletion), before the relay is nudged and before any client is answered. Committed events must then reach
 *   the projection through another relay (or this one after the restart), none lost.
 * - crash-mid-batch: while the group commit writes a batch of several orders: the write round trip (rows and
 *   COMMIT) has been handed to the socket, its answer not read. The batch commits whole or not at all.
 */
export const FAULT_POINTS = ['crash-after-commit-before-publish', 'crash-mid-batch'] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export interface FaultInjector {
  /** Called after every commit, before the relay nudge. */
  afterCommit(): void;
  /** The group commit's hooks, when crash-mid-batch is on. */
  orderBatchHooks: OrderBatchHooks | undefined;
}

export const NO_FAULTS: FaultInjector = { afterCommit: () => undefined, orderBatchHooks: undefined };

export function faultInjector(points: readonly FaultPoint[], dir: string, logger: Logger): FaultInjector {
  if (points.length === 0) return NO_FAULTS;
  logger.warn({ points, dir }, 'FAULT_INJECTION is on: this process kills itself when a drill arms a point');
  const armed = (point: FaultPoint): boolean => {
    if (!points.includes(point)) return false;
    try {
      unlinkSync(join(dir, point));
      return true;
    } catch {
      return false; // not armed, or another process took it
    }
  };
  const crash = (point: FaultPoint) => {
    logger.warn({ point }, 'fault injection: SIGKILL');
    process.kill(process.pid, 'SIGKILL');
  };
  return {
    afterCommit: () => {
      if (armed('crash-after-commit-before-publish')) crash('crash-after-commit-before-publish');
    },
    orderBatchHooks: points.includes('crash-mid-batch')
      ? {
          beforeWrite: (_threadId, orders) => {
            // A batch of one is no "middle of a batch": wait for one that holds several orders.
            if (orders >= 2 && armed('crash-mid-batch')) setImmediate(() => crash('crash-mid-batch'));
            return Promise.resolve();
          },
        }
      : undefined,
  };
}
