import type { StoreEvent } from '@store/contracts';
import type { ProjectionDelta } from './projection';

/* What the domain needs from the stores; data-access implements these, the domain never sees ioredis or mysql2. */

export type ApplyOutcome = 'applied' | 'duplicate';

export interface VersionState {
  /** the version live events go to: the pointer's, or the scratch version 1 before any rebuild switched it */
  live: number;
  /** whether readers may use the live version: a rebuild made it live and it still has its completed_at */
  available: boolean;
  /** the live version's completed_at (with the version, what tells one build from another) */
  completedAt: string | null;
  /** events applied to the live version; never goes down while the version stays the same build */
  appliedEvents: number;
  /** the version a rebuild is filling, if one runs (or died) */
  rebuilding: number | null;
  /** the rebuild marker's value: `<version>:<token>` */
  marker: string | null;
  /** whether some rebuild holds the lock (a marker without the lock belongs to a rebuild that died) */
  rebuildLocked: boolean;
}

export interface ProjectionWriter {
  /**
   * Applies a batch of events, atomically, to the live version and, during a rebuild, to the version being
   * built; one outcome per event, in order (a duplicate inside the batch counts once, like one from before).
   */
  applyLive(deltas: ProjectionDelta[]): Promise<ApplyOutcome[]>;
}

/** The one rebuild that may run: it keeps the lock alive while it makes progress. */
export interface RebuildLock {
  token: string;
  /** false once the lock is lost (expired and taken, or Redis lost it): the rebuild must stop */
  extend(): Promise<boolean>;
  release(): Promise<void>;
}

export interface RebuildTarget {
  readVersions(): Promise<VersionState>;
  acquireRebuildLock(): Promise<RebuildLock | null>;
  /**
   * Takes down `deadMarker` (left by a rebuild that died), clears every key of `version` and of the dead
   * rebuild's version, then sets the marker (`<version>:<token>`) so live events go to `version` too; returns
   * the marker.
   */
  beginRebuild(version: number, token: string, deadMarker: string | null): Promise<string>;
  /** Replays deltas into `target` only; fails if the marker is no longer `marker`. */
  applyToRebuild(deltas: ProjectionDelta[], marker: string, target: number): Promise<number>;
  /** Atomically: pointer ← target, target complete, marker cleared (only while the marker is `marker`). */
  switchLive(marker: string, target: number): Promise<number>;
  /** Takes the marker down (only while it is `marker`) and deletes the half-built version. */
  abortRebuild(marker: string, target: number): Promise<void>;
  /** Readers stop using `version` (it lost data); the pointer stays until a rebuild replaces it. */
  withdrawLive(version: number): Promise<void>;
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
