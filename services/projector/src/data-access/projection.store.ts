import { randomUUID } from 'node:crypto';
import type { Redis, Result } from 'ioredis';
import { projectionKeys, versionPointerKey, type ProjectionKeys } from '@store/contracts';
import type { ProjectionDelta } from '../domain/projection';
import type { ApplyOutcome, ProjectionWriter, RebuildTarget, VersionState } from '../domain/ports';
import { APPLY_EVENTS_LUA, RELEASE_LOCK_LUA } from './apply-event.lua';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    projectorApplyEvents(...keysAndArgs: (string | number)[]): Result<number[], Context>;
    projectorReleaseLock(key: string, token: string): Result<number, Context>;
    projectorSwitchLive(
      pointer: string,
      marker: string,
      live: string,
      target: string,
    ): Result<number, Context>;
  }
}

const SWITCH_LIVE_LUA = `
if (redis.call('GET', KEYS[1]) or '1') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2])
return 1
`;

const STALE = -1;
/** Pointer/marker moves are rare (one per rebuild), so a few re-reads always suffice. */
const MAX_STALE_RETRIES = 5;
const REBUILD_LOCK_TTL_SECONDS = 3600;
const DELETE_BATCH = 500;

export class StaleVersionError extends Error {
  override name = 'StaleVersionError';
}

/** Redis side of the projection: applying events, the version pointer, the rebuild marker and old versions. */
export class ProjectionStore implements ProjectionWriter, RebuildTarget {
  readonly pointerKey: string;
  readonly markerKey: string;
  private readonly lockKey: string;
  /** Pointer and marker as last read: the script checks them atomically, so they are re-read only when stale. */
  private versions?: VersionState;
  private readonly keysByVersion = new Map<number, ProjectionKeys>();

  constructor(
    private readonly redis: Redis,
    readonly prefix: string,
    private readonly dedupTtlSeconds: number,
  ) {
    this.pointerKey = versionPointerKey(prefix);
    this.markerKey = `${prefix}projection:rebuilding`;
    this.lockKey = `${prefix}projection:rebuild-lock`;
    redis.defineCommand('projectorApplyEvents', { lua: APPLY_EVENTS_LUA });
    redis.defineCommand('projectorReleaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK_LUA });
    redis.defineCommand('projectorSwitchLive', { numberOfKeys: 2, lua: SWITCH_LIVE_LUA });
  }

  async readVersions(): Promise<VersionState> {
    const [pointer, marker] = await this.redis.mget(this.pointerKey, this.markerKey);
    this.versions = { live: pointer ? Number(pointer) : 1, rebuilding: marker ? Number(marker) : null };
    return this.versions;
  }

  /** One script call for the whole batch; the outcomes are the live version's, in the order of `deltas`. */
  async applyLive(deltas: ProjectionDelta[]): Promise<ApplyOutcome[]> {
    if (deltas.length === 0) return [];
    for (let attempt = 0; attempt < MAX_STALE_RETRIES; attempt += 1) {
      const { live, rebuilding } = attempt === 0 && this.versions ? this.versions : await this.readVersions();
      const targets = rebuilding === null ? [live] : [live, rebuilding];
      const results = await this.redis.projectorApplyEvents(
        ...this.scriptArgs(deltas, live, rebuilding, targets),
      );
      if (results[0] !== STALE) {
        return deltas.map((_delta, i) => (results[i] === 1 ? 'applied' : 'duplicate'));
      }
    }
    throw new StaleVersionError('projection version kept moving while applying events');
  }

  async applyToRebuild(deltas: ProjectionDelta[], live: number, target: number): Promise<number> {
    if (deltas.length === 0) return 0;
    const results = await this.redis.projectorApplyEvents(...this.scriptArgs(deltas, live, target, [target]));
    if (results[0] === STALE) throw new StaleVersionError(`version ${target} is no longer being rebuilt`);
    return results.reduce((applied, outcome) => applied + outcome, 0);
  }

  async acquireRebuildLock(): Promise<(() => Promise<void>) | null> {
    const token = randomUUID();
    const taken = await this.redis.set(this.lockKey, token, 'EX', REBUILD_LOCK_TTL_SECONDS, 'NX');
    if (!taken) return null;
    return async () => {
      await this.redis.projectorReleaseLock(this.lockKey, token);
    };
  }

  async resetVersion(version: number, live: number): Promise<void> {
    if (version === live) throw new Error(`refusing to reset the live version ${live}`);
    await this.redis.del(this.markerKey);
    await this.deleteVersion(version);
  }

  async markRebuilding(version: number): Promise<void> {
    await this.redis.set(this.markerKey, String(version));
  }

  async switchLive(live: number, target: number): Promise<void> {
    const switched = await this.redis.projectorSwitchLive(
      this.pointerKey,
      this.markerKey,
      String(live),
      String(target),
    );
    if (switched !== 1)
      throw new StaleVersionError(`live version is no longer ${live}; not switching to ${target}`);
  }

  /** SCAN + UNLINK in batches: never KEYS, never one huge DEL that blocks Redis. */
  async deleteVersion(version: number): Promise<number> {
    const match = `${escapeGlob(this.prefix)}projection:\\{v${version}\\}:*`;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', match, 'COUNT', DELETE_BATCH);
      cursor = next;
      if (keys.length) deleted += await this.redis.unlink(...keys);
    } while (cursor !== '0');
    return deleted;
  }

  keys(version: number): ProjectionKeys {
    let keys = this.keysByVersion.get(version);
    if (!keys) this.keysByVersion.set(version, (keys = projectionKeys(version, this.prefix)));
    return keys;
  }

  private scriptArgs(deltas: ProjectionDelta[], live: number, rebuilding: number | null, targets: number[]) {
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
      String(live),
      rebuilding === null ? '' : String(rebuilding),
      this.dedupTtlSeconds,
      deltas.length,
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

const escapeGlob = (text: string): string => text.replace(/[*?[\]\\{}]/g, (c) => `\\${c}`);
