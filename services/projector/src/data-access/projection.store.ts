import type { Result } from 'ioredis';
import {
  PROJECTION_META,
  SCRATCH_VERSION,
  projectionControlKeys,
  projectionKeys,
  type ProjectionKeys,
} from '@store/contracts';
import { DELETE_IF_EQUAL_LUA, escapeGlob, scanKeys, type RedisClient } from '@store/service-kit';
import type { ProjectionDelta } from '../domain/projection';
import type { ApplyOutcome, ProjectionWriter, RebuildTarget, VersionState } from '../domain/ports';
import { APPLY_EVENTS_LUA } from './apply-event.lua';
import { acquireLock } from './rebuild-lock';
import { READ_STATE_LUA, SWITCH_LIVE_LUA, WITHDRAW_LIVE_LUA } from './version-scripts.lua';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    projectorApplyEvents(...keysAndArgs: (string | number)[]): Result<number[], Context>;
    projectorReadState(
      pointer: string,
      marker: string,
      lock: string,
      meta: string,
      version: string,
      completedAtField: string,
      appliedEventsField: string,
    ): Result<[string, string, number, number, string, number], Context>;
    projectorSwitchLive(
      pointer: string,
      marker: string,
      meta: string,
      expectedMarker: string,
      version: string,
      completedAt: string,
      completedAtField: string,
    ): Result<number, Context>;
    projectorWithdrawLive(
      pointer: string,
      meta: string,
      version: string,
      completedAtField: string,
    ): Result<number, Context>;
  }
}

const STALE = -1;
/** Pointer/marker moves are rare (one per rebuild), so a few re-reads always suffice. */
const MAX_STALE_RETRIES = 5;
const DELETE_BATCH = 500;

/** The marker is `<version>:<token>`. */
const versionOfMarker = (marker: string): number => Number(marker.split(':')[0]);

export class StaleVersionError extends Error {
  override name = 'StaleVersionError';
}

/**
 * Redis side of the projection: applying events, the version pointer, the rebuild marker and lock, and old
 * versions. Every key is in the projection's one hash slot (@store/contracts projection-keys).
 */
export class ProjectionStore implements ProjectionWriter, RebuildTarget {
  readonly pointerKey: string;
  readonly markerKey: string;
  private readonly lockKey: string;
  /** Versions as last read: the scripts check them atomically, so they are re-read only when stale. */
  private versions?: VersionState;
  private readonly keysByVersion = new Map<number, ProjectionKeys>();

  constructor(
    private readonly redis: RedisClient,
    readonly prefix: string,
    private readonly dedupTtlSeconds: number,
  ) {
    const control = projectionControlKeys(prefix);
    this.pointerKey = control.pointer;
    this.markerKey = control.rebuildMarker;
    this.lockKey = control.rebuildLock;
    redis.defineCommand('projectorApplyEvents', { lua: APPLY_EVENTS_LUA });
    redis.defineCommand('projectorReadState', { numberOfKeys: 4, lua: READ_STATE_LUA });
    redis.defineCommand('projectorSwitchLive', { numberOfKeys: 3, lua: SWITCH_LIVE_LUA });
    redis.defineCommand('projectorWithdrawLive', { numberOfKeys: 2, lua: WITHDRAW_LIVE_LUA });
  }

  async readVersions(): Promise<VersionState> {
    let believed = this.versions?.live ?? SCRATCH_VERSION;
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const [pointer, marker, locked, right, completedAt, applied] = await this.redis.projectorReadState(
        this.pointerKey,
        this.markerKey,
        this.lockKey,
        this.keys(believed).meta,
        String(believed),
        PROJECTION_META.completedAt,
        PROJECTION_META.appliedEvents,
      );
      const live = pointer ? Number(pointer) : SCRATCH_VERSION;
      if (right !== 1) {
        believed = live;
        continue;
      }
      this.versions = {
        live,
        available: pointer !== '' && completedAt !== '',
        completedAt: completedAt || null,
        appliedEvents: Number(applied),
        rebuilding: marker ? versionOfMarker(marker) : null,
        marker: marker || null,
        rebuildLocked: locked === 1,
      };
      return this.versions;
    }
    throw new StaleVersionError('projection version kept moving while reading it');
  }

  /** One script call for the whole batch; the outcomes are the live version's, in the order of `deltas`. */
  async applyLive(deltas: ProjectionDelta[]): Promise<ApplyOutcome[]> {
    if (deltas.length === 0) return [];
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const { live, rebuilding, marker } =
        attempt === 0 && this.versions ? this.versions : await this.readVersions();
      const targets = rebuilding === null ? [live] : [live, rebuilding];
      const results = await this.redis.projectorApplyEvents(
        ...this.scriptArgs(deltas, String(live), marker ?? '', targets),
      );
      if (results[0] !== STALE) {
        return deltas.map((_delta, i) => (results[i] === 1 ? 'applied' : 'duplicate'));
      }
    }
    throw new StaleVersionError('projection version kept moving while applying events');
  }

  async applyToRebuild(deltas: ProjectionDelta[], marker: string, target: number): Promise<number> {
    if (deltas.length === 0) return 0;
    const results = await this.redis.projectorApplyEvents(...this.scriptArgs(deltas, '*', marker, [target]));
    if (results[0] === STALE) throw new StaleVersionError(`version ${target} is no longer being rebuilt`);
    return results.reduce((applied, outcome) => applied + outcome, 0);
  }

  acquireRebuildLock() {
    return acquireLock(this.redis, this.lockKey);
  }

  async beginRebuild(version: number, token: string, deadMarker: string | null): Promise<string> {
    // The dead rebuild's marker goes first (only if unchanged), so no live event writes into the keys deleted next.
    if (deadMarker !== null) await this.redis.eval(DELETE_IF_EQUAL_LUA, 1, this.markerKey, deadMarker);
    await this.deleteVersion(version);
    const deadVersion = deadMarker === null ? version : versionOfMarker(deadMarker);
    if (deadVersion !== version) await this.deleteVersion(deadVersion);
    const marker = `${version}:${token}`;
    await this.redis.set(this.markerKey, marker);
    return marker;
  }

  async switchLive(marker: string, target: number): Promise<number> {
    const old = await this.redis.projectorSwitchLive(
      this.pointerKey,
      this.markerKey,
      this.keys(target).meta,
      marker,
      String(target),
      new Date().toISOString(),
      PROJECTION_META.completedAt,
    );
    if (old === STALE) throw new StaleVersionError(`version ${target} is no longer being rebuilt`);
    return old;
  }

  async abortRebuild(marker: string, target: number): Promise<void> {
    // Only our own marker: after Redis lost everything another rebuild may already own that version number.
    const ours = await this.redis.eval(DELETE_IF_EQUAL_LUA, 1, this.markerKey, marker);
    if (ours === 1) await this.deleteVersion(target);
  }

  async withdrawLive(version: number): Promise<void> {
    await this.redis.projectorWithdrawLive(
      this.pointerKey,
      this.keys(version).meta,
      String(version),
      PROJECTION_META.completedAt,
    );
  }

  /** SCAN + UNLINK in batches: never KEYS, never one huge DEL that blocks Redis. */
  async deleteVersion(version: number): Promise<number> {
    let deleted = 0;
    await scanKeys(
      this.redis,
      `${escapeGlob(this.keys(version).everyKeyPrefix)}*`,
      async (keys) => (deleted += await this.redis.unlink(...keys)),
      DELETE_BATCH,
    );
    return deleted;
  }

  keys(version: number): ProjectionKeys {
    let keys = this.keysByVersion.get(version);
    if (!keys) this.keysByVersion.set(version, (keys = projectionKeys(version, this.prefix)));
    return keys;
  }

  private scriptArgs(deltas: ProjectionDelta[], live: string, marker: string, targets: number[]) {
    const keys = [this.pointerKey, this.markerKey];
    for (const version of targets) {
      const k = this.keys(version);
      keys.push(k.spenders, k.bestSellers, k.userNames, k.productNames, k.meta);
    }
    for (const version of targets) {
      const dedupPrefix = this.keys(version).appliedEventPrefix;
      for (const delta of deltas) keys.push(dedupPrefix + delta.eventId);
    }
    const args: (string | number)[] = [
      live,
      marker,
      this.dedupTtlSeconds,
      deltas.length,
      PROJECTION_META.appliedEvents,
      PROJECTION_META.dataAsOf,
      PROJECTION_META.maxSequence,
    ];
    for (const delta of deltas) {
      args.push(
        String(delta.userId),
        delta.userName,
        String(delta.spendCents),
        delta.occurredAt,
        String(delta.sequence),
        delta.products.length,
      );
      for (const p of delta.products) args.push(String(p.productId), p.name, String(p.units));
    }
    return [keys.length, ...keys, ...args];
  }
}
