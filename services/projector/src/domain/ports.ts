import type { StoreEvent } from '@store/contracts';
import type { ProjectionDelta } from './projection';

/* What the domain needs from the stores; data-access implements these, the domain never sees ioredis or mysql2. */

export type ApplyOutcome = 'applied' | 'duplicate';

export interface VersionState {
  live: number;
  /** the version a rebuild is filling, if one runs */
  rebuilding: number | null;
}

export interface ProjectionWriter {
  /**
   * Applies a batch of events, atomically, to the live version and, during a rebuild, to the version being
   * built; one outcome per event, in order (a duplicate inside the batch counts once, like one from before).
   */
  applyLive(deltas: ProjectionDelta[]): Promise<ApplyOutcome[]>;
}

export interface RebuildTarget {
  readVersions(): Promise<VersionState>;
  acquireRebuildLock(): Promise<(() => Promise<void>) | null>;
  /** Clears the marker and every key of `version`, so a crashed rebuild leaves nothing behind. */
  resetVersion(version: number, live: number): Promise<void>;
  markRebuilding(version: number): Promise<void>;
  /** Replays deltas into `target` only; fails if the pointer or the marker moved meanwhile. */
  applyToRebuild(deltas: ProjectionDelta[], live: number, target: number): Promise<number>;
  /** Atomically: pointer ← target, marker cleared (only if the pointer is still `live`). */
  switchLive(live: number, target: number): Promise<void>;
  deleteVersion(version: number): Promise<number>;
}

export interface EventLog {
  /** Events with sequence > afterSequence in sequence order; rows that are not valid events are reported apart. */
  readAfter(
    afterSequence: number,
    limit: number,
  ): Promise<{ events: StoreEvent[]; invalid: number[]; last: number | null }>;
}

export type Totals = Map<number, number>;

export interface IdFilter {
  userIds?: number[];
  productIds?: number[];
}

export interface TotalsSource {
  spendByUser(userIds?: number[]): Promise<Totals>;
  unitsByProduct(productIds?: number[]): Promise<Totals>;
}
