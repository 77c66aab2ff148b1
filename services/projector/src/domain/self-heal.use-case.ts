import type { Logger } from '@store/observability';
import type { RebuildTarget, VersionState } from './ports';
import { RebuildInProgressError } from './rebuild.use-case';

/*
 * The projection heals itself: Redis is only a cache of the event log, so when it loses the projection the
 * projector rebuilds it with no command from anyone. Checked every few seconds and cheap (one script call):
 * - missing: no pointer, or the live version lost its completed_at (FLUSHALL, a restart without persistence,
 *   eviction of the meta) → rebuild; readers meanwhile refuse the projection (MySQL or 503);
 * - rolled back: the same build of the live version has applied FEWER events than this process saw before
 *   (a restart that restored an older snapshot: complete-looking, but missing what was applied since) → the
 *   version is withdrawn from readers at once, then rebuilt;
 * - a rebuild marker with no lock: a rebuild died (kill -9); while the projection is fine its half-built
 *   version is cleared, otherwise the rebuild that follows clears it.
 * A rebuild some other process holds the lock for is left alone.
 */

export type HealReason = 'missing' | 'rolled-back';

export type Diagnosis =
  | { action: 'none'; why: 'available' | 'rebuilding' }
  | { action: 'clear-dead-rebuild' }
  | { action: 'rebuild'; why: HealReason };

/** What this process saw of the live version last time: one build is a version number and its completed_at. */
export interface Seen {
  version: number;
  completedAt: string | null;
  appliedEvents: number;
}

export function diagnose(state: VersionState, seen: Seen | undefined): Diagnosis {
  if (state.rebuildLocked) return { action: 'none', why: 'rebuilding' };
  if (!state.available) return { action: 'rebuild', why: 'missing' };
  const sameBuild = seen?.version === state.live && seen.completedAt === state.completedAt;
  if (sameBuild && state.appliedEvents < seen.appliedEvents) return { action: 'rebuild', why: 'rolled-back' };
  if (state.marker !== null) return { action: 'clear-dead-rebuild' };
  return { action: 'none', why: 'available' };
}

export interface SelfHealDeps {
  target: Pick<RebuildTarget, 'readVersions' | 'withdrawLive' | 'abortRebuild'>;
  /** a full rebuild from the event log (the composition root counts it under `reason`) */
  rebuild: (reason: HealReason) => Promise<unknown>;
  logger: Logger;
  /** told each state as soon as it is read, before any repair (the projection_available gauge) */
  observe?: (state: VersionState) => void;
}

export interface HealCheck {
  state: VersionState;
  diagnosis: Diagnosis;
}

/** One check, and the repair it calls for; the schedule calls it again and again, never two at once. */
export function createSelfHeal(deps: SelfHealDeps): () => Promise<HealCheck> {
  let seen: Seen | undefined;
  return async () => {
    const state = await deps.target.readVersions();
    deps.observe?.(state);
    const diagnosis = diagnose(state, seen);
    seen = state.available
      ? { version: state.live, completedAt: state.completedAt, appliedEvents: state.appliedEvents }
      : undefined;
    if (diagnosis.action === 'clear-dead-rebuild' && state.marker && state.rebuilding !== null) {
      deps.logger.warn({ version: state.rebuilding }, 'clearing the version of a rebuild that died');
      await deps.target.abortRebuild(state.marker, state.rebuilding);
    }
    if (diagnosis.action === 'rebuild') {
      deps.logger.warn(
        { reason: diagnosis.why, live: state.live, appliedEvents: state.appliedEvents },
        'projection lost; rebuilding it from the event log',
      );
      if (diagnosis.why === 'rolled-back') await deps.target.withdrawLive(state.live);
      seen = undefined;
      await deps.rebuild(diagnosis.why).catch((error: unknown) => {
        if (!(error instanceof RebuildInProgressError)) throw error;
      });
    }
    return { state, diagnosis };
  };
}
