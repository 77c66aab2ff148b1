import type { Logger } from '@store/observability';
import { apply } from './projection';
import type { EventLog, RebuildTarget } from './ports';

export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

export interface RebuildProgress {
  target: number;
  replayed: number;
  lastSequence: number;
}

export interface RebuildResult {
  fromVersion: number;
  toVersion: number;
  replayed: number;
  /** outbox sequences whose row is not a valid event (logged, not replayed) */
  skipped: number[];
  oldKeysDeleted: number;
}

export interface RebuildDeps {
  log: EventLog;
  target: RebuildTarget;
  logger: Logger;
  batchSize: number;
  /** called after each replayed batch (progress logs; tests use it to publish events mid-rebuild) */
  onProgress?: (progress: RebuildProgress) => Promise<void> | void;
}

/*
 * Why nothing is lost or doubled while live events keep flowing:
 * - the marker is set BEFORE the replay reads the log, and the consumer's Lua script checks pointer and marker
 *   atomically, so every event applied after the marker goes to both versions;
 * - an event applied before the marker was published after its outbox row committed, so the replay (which
 *   starts later) sees that row;
 * - each version has its own dedup keys, so an event that arrives both live and through the replay counts once.
 */
export async function rebuildProjection(deps: RebuildDeps): Promise<RebuildResult> {
  const release = await deps.target.acquireRebuildLock();
  if (!release) throw new RebuildInProgressError('a rebuild is already running');
  try {
    const { live } = await deps.target.readVersions();
    const next = live + 1;
    await deps.target.resetVersion(next, live);
    await deps.target.markRebuilding(next);
    deps.logger.info({ from: live, to: next }, 'rebuild started');
    const { replayed, skipped } = await replayLog(deps, live, next).catch(async (error: unknown) => {
      // Abort cleanly: without the marker the consumer stops writing into the half-built version.
      await deps.target.resetVersion(next, live).catch(() => undefined);
      throw error;
    });
    await deps.target.switchLive(live, next);
    const oldKeysDeleted = await deps.target.deleteVersion(live);
    deps.logger.info(
      { from: live, to: next, replayed, skipped: skipped.length, oldKeysDeleted },
      'rebuild done',
    );
    return { fromVersion: live, toVersion: next, replayed, skipped, oldKeysDeleted };
  } finally {
    await release();
  }
}

async function replayLog(deps: RebuildDeps, live: number, target: number) {
  let after = 0;
  let replayed = 0;
  const skipped: number[] = [];
  for (;;) {
    const batch = await deps.log.readAfter(after, deps.batchSize);
    if (batch.last === null) return { replayed, skipped };
    skipped.push(...batch.invalid);
    if (batch.invalid.length)
      deps.logger.warn({ sequences: batch.invalid }, 'outbox rows that are not valid events skipped');
    await deps.target.applyToRebuild(batch.events.map(apply), live, target);
    replayed += batch.events.length;
    after = batch.last;
    await deps.onProgress?.({ target, replayed, lastSequence: after });
  }
}
