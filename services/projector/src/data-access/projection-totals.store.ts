import type { Result } from 'ioredis';
import { SCRATCH_VERSION, projectionControlKeys, projectionKeys } from '@store/contracts';
import type { RedisClient } from '@store/service-kit';
import type { Totals, TotalsSource } from '../domain/ports';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    projectorReadTotals(
      pointer: string,
      scores: string,
      meta: string,
      version: string,
      ...ids: string[]
    ): Result<[string, string?, string[]?], Context>;
  }
}

/**
 * The pointer check and the read in one script (one slot): a rebuild can never switch versions and delete the
 * old one between them, which would read as drift of everything. KEYS: pointer, scores, meta of the version the
 * caller believes live. ARGV: that version, then the ids to read (none: every member).
 * Returns {'ok', flat member/score list (or the scores of the ids, '' for none)}, {'moved', live}, {'missing'}.
 */
const READ_TOTALS_LUA = `
local live = redis.call('GET', KEYS[1])
if not live then return { 'missing' } end
if live ~= ARGV[1] then return { 'moved', live } end
if not redis.call('HGET', KEYS[3], 'completed_at') then return { 'missing' } end
if #ARGV == 1 then return { 'ok', '', redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES') } end
local scores = redis.call('ZMSCORE', KEYS[2], unpack(ARGV, 2))
for i = 1, #scores do scores[i] = scores[i] or '' end
return { 'ok', '', scores }
`;

const MAX_MOVES = 5;

export class ProjectionMissingError extends Error {
  override name = 'ProjectionMissingError';
}

/** Reads the live projection's totals, for reconciliation against MySQL. */
export class ProjectionTotalsStore implements TotalsSource {
  private believed = SCRATCH_VERSION;

  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {
    redis.defineCommand('projectorReadTotals', { numberOfKeys: 3, lua: READ_TOTALS_LUA });
  }

  spendByUser(userIds?: number[]): Promise<Totals> {
    return this.read('spenders', userIds);
  }

  unitsByProduct(productIds?: number[]): Promise<Totals> {
    return this.read('bestSellers', productIds);
  }

  private async read(set: 'spenders' | 'bestSellers', ids?: number[]): Promise<Totals> {
    const totals: Totals = new Map();
    if (ids && ids.length === 0) return totals;
    for (let attempt = 0; attempt < MAX_MOVES; attempt += 1) {
      const keys = projectionKeys(this.believed, this.prefix);
      const [status, live, values = []] = await this.redis.projectorReadTotals(
        projectionControlKeys(this.prefix).pointer,
        keys[set],
        keys.meta,
        String(this.believed),
        ...(ids ?? []).map(String),
      );
      if (status === 'missing') throw new ProjectionMissingError('no complete projection to reconcile');
      if (status === 'moved') {
        this.believed = Number(live);
        continue;
      }
      if (ids) {
        ids.forEach((id, i) => {
          if (values[i]) totals.set(id, Number(values[i]));
        });
      } else {
        for (let i = 0; i + 1 < values.length; i += 2) totals.set(Number(values[i]), Number(values[i + 1]));
      }
      return totals;
    }
    throw new ProjectionMissingError('the projection version kept moving');
  }
}
