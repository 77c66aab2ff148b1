import type { Logger } from '@store/observability';
import { apply } from './projection';
import type { EventLog, RebuildLock, RebuildTarget } from './ports';

export class RebuildInProgressError extends Error {
  override name = 'RebuildInProgressError';
}

export class RebuildAbortedError extends Error {
  override name = 'RebuildAbortedError';
}

export interface RebuildProgress {
  target: number;
  replayed: number;
  lastSequence: number;
}

export interface RebuildResult {
  /** true when this request joined a rebuild already running in this process (self-heal's, or another request's) */
  joined?: boolean;
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
  /** stops the replay between batches (shutdown); the half-built version is cleared */
  signal?: AbortSignal;
}

/*
 * Why nothing is lost or doubled while live events keep flowing:
 * - the marker is set BEFORE the replay reads the log, and the consumer's Lua script checks pointer and marker
 *   atomically, so every event applied after the marker goes to both versions;
 * - an event applied before the marker was published after its outbox row committed, so the replay (which
 *   starts later) sees that row;
 * - each version has its own dedup keys, so an event that arrives both live and through the replay counts once.
 * Why a rebuild that lost its footing never corrupts the next one: the marker carries this rebuild's token and
 * every write, the switch and the clean-up check it, so after Redis lost everything (marker and lock gone) a
 * rebuild still running from before can no longer write anywhere another one reads.
 */
export async function rebuildProjection(deps: RebuildDeps): Promise<RebuildResult> {
  const lock = await deps.target.acquireRebuildLock();
  if (!lock) throw new RebuildInProgressError('a rebuild is already running');
  try {
    const { live, marker: deadMarker } = await deps.target.readVersions();
    const next = live + 1;
    // We hold the lock, so a marker still up belongs to a rebuild that died: its keys go too.
    const marker = await deps.target.beginRebuild(next, lock.token, deadMarker);
    deps.logger.info({ from: live, to: next }, 'rebuild started');
    const { replayed, skipped } = await replayLog(deps, lock, marker, next).catch(async (error: unknown) => {
      // Abort cleanly: without the marker the consumer stops writing into the half-built version.
      await deps.target.abortRebuild(marker, next).catch(() => undefined);
      throw error;
    });
    const fromVersion = await deps.target.switchLive(marker, next);
    const oldKeysDeleted = await deps.target.deleteVersion(fromVersion);
    deps.logger.info(
      { from: fromVersion, to: next, replayed, skipped: skipped.length, oldKeysDeleted },
      'rebuild done',
    );
    return { fromVersion, toVersion: next, replayed, skipped, oldKeysDeleted };
  } finally {
    await lock.release().catch(() => undefined); // it expires by itself
  }
}

/**
 * An operator's rebuild is never refused because one is running: one running in this process is joined (the
 * caller, see app.ts), and one running in another process (a second projector, the CLI) is waited for, then this
 * one runs, so the answer always describes a projection rebuilt from the log as it was when it was asked for.
 */
export async function rebuildWhenFree(
  deps: RebuildDeps & { pollMs: number; sleep: (ms: number) => Promise<void> },
): Promise<RebuildResult> {
  for (let polls = 0; ; polls++) {
    try {
      return await rebuildProjection(deps);
    } catch (error) {
      if (!(error instanceof RebuildInProgressError) || deps.signal?.aborted) throw error;
      if (polls === 0) deps.logger.info('a rebuild runs in another process: waiting for it');
      await deps.sleep(deps.pollMs);
    }
  }
}

async function replayLog(deps: RebuildDeps, lock: RebuildLock, marker: string, target: number) {
  let after = 0;
  let replayed = 0;
  const skipped: number[] = [];
  for (;;) {
    if (deps.signal?.aborted) throw new RebuildAbortedError('rebuild stopped (shutdown)');
    const batch = await deps.log.readAfter(after, deps.batchSize);
    if (batch.last !== null) {
      skipped.push(...batch.invalid);
      if (batch.invalid.length)
        deps.logger.warn({ sequences: batch.invalid }, 'outbox rows that are not valid events skipped');
      await deps.target.applyToRebuild(batch.events.map(apply), marker, target);
      replayed += batch.events.length;
    }
    // Progress keeps the lock; a rebuild that lost it (stuck past its TTL, or Redis lost it) must not switch.
    if (!(await lock.extend())) throw new RebuildAbortedError('lost the rebuild lock');
    if (batch.last === null) return { replayed, skipped };
    after = batch.last;
    await deps.onProgress?.({ target, replayed, lastSequence: after });
  }
}
