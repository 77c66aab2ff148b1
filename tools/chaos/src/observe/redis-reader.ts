import { Redis } from 'ioredis';
import { PROJECTION_META, projectionControlKeys, projectionKeys } from '@store/contracts';
import type { ProjectionView, Totals } from '../conservation';
import { REDIS_KEY_PREFIX, REDIS_URL } from '../settings';

/* The chaos stack's Redis: the projection's versions, read with the key names of @store/contracts. */

export interface LiveVersion {
  version: number;
  complete: boolean;
}

export class RedisReader {
  private readonly redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    // The stack's Redis is killed on purpose: keep retrying quietly, every 200 ms.
    retryStrategy: () => 200,
  });
  private readonly control = projectionControlKeys(REDIS_KEY_PREFIX);

  constructor() {
    this.redis.on('error', () => undefined);
  }

  close(): void {
    this.redis.disconnect();
  }

  async liveVersion(): Promise<LiveVersion | undefined> {
    const pointer = await this.redis.get(this.control.pointer);
    if (pointer === null) return undefined;
    const version = Number(pointer);
    const completedAt = await this.redis.hget(this.keys(version).meta, PROJECTION_META.completedAt);
    return { version, complete: completedAt !== null };
  }

  async rebuilding(): Promise<boolean> {
    return (await this.redis.exists(this.control.rebuildMarker)) === 1;
  }

  /** applied_events of `version` (NaN when the meta hash has none). */
  async appliedCount(version: number): Promise<number> {
    return Number(await this.redis.hget(this.keys(version).meta, PROJECTION_META.appliedEvents));
  }

  async isApplied(version: number, eventId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(version).appliedEventPrefix + eventId)) === 1;
  }

  /**
   * CLIENT PAUSE … WRITE: scripts (EVAL/EVALSHA count as writes) wait in Redis, unrun, until `unpause` (or `ms`
   * pass); reads go on.
   */
  async pauseWrites(ms: number): Promise<() => Promise<void>> {
    await this.redis.call('CLIENT', 'PAUSE', String(ms), 'WRITE');
    return async () => {
      await this.redis.call('CLIENT', 'UNPAUSE');
    };
  }

  async projection(): Promise<ProjectionView> {
    const live = await this.liveVersion();
    const rebuilding = await this.rebuilding();
    if (!live) {
      return {
        version: undefined,
        complete: false,
        rebuilding,
        appliedEventIds: new Set(),
        appliedCount: 0,
        spendByUser: new Map(),
        unitsByProduct: new Map(),
      };
    }
    const keys = this.keys(live.version);
    const appliedEventIds = new Set<string>();
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(
        cursor,
        'MATCH',
        `${globEscape(keys.appliedEventPrefix)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      for (const key of found) appliedEventIds.add(key.slice(keys.appliedEventPrefix.length));
    } while (cursor !== '0');
    return {
      version: live.version,
      complete: live.complete,
      rebuilding,
      appliedEventIds,
      appliedCount: Number((await this.redis.hget(keys.meta, PROJECTION_META.appliedEvents)) ?? 0),
      spendByUser: await this.sortedSet(keys.spenders),
      unitsByProduct: await this.sortedSet(keys.bestSellers),
    };
  }

  private keys(version: number) {
    return projectionKeys(version, REDIS_KEY_PREFIX);
  }

  private async sortedSet(key: string): Promise<Totals> {
    const flat = await this.redis.zrange(key, 0, -1, 'WITHSCORES');
    const totals = new Map<number, number>();
    for (let i = 0; i + 1 < flat.length; i += 2) totals.set(Number(flat[i]), Number(flat[i + 1]));
    return totals;
  }
}

const globEscape = (text: string): string => text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
