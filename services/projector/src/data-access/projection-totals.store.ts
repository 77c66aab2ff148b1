import type { Redis } from 'ioredis';
import { projectionKeys, versionPointerKey } from '@store/contracts';
import type { Totals, TotalsSource } from '../domain/ports';

/** Reads the live projection's totals, for reconciliation against MySQL. */
export class ProjectionTotalsStore implements TotalsSource {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async spendByUser(userIds?: number[]): Promise<Totals> {
    return this.read((await this.liveKeys()).spenders, userIds);
  }

  async unitsByProduct(productIds?: number[]): Promise<Totals> {
    return this.read((await this.liveKeys()).bestSellers, productIds);
  }

  private async liveKeys() {
    const pointer = await this.redis.get(versionPointerKey(this.prefix));
    return projectionKeys(pointer ? Number(pointer) : 1, this.prefix);
  }

  private async read(key: string, ids?: number[]): Promise<Totals> {
    const totals: Totals = new Map();
    if (ids) {
      if (ids.length === 0) return totals;
      const scores = await this.redis.zmscore(key, ...ids.map(String));
      ids.forEach((id, i) => {
        const score = scores[i];
        if (score !== null && score !== undefined) totals.set(id, Number(score));
      });
      return totals;
    }
    const flat = await this.redis.zrange(key, 0, -1, 'WITHSCORES');
    for (let i = 0; i + 1 < flat.length; i += 2) totals.set(Number(flat[i]), Number(flat[i + 1]));
    return totals;
  }
}
