import type { Redis } from 'ioredis';
import { projectionKeys, versionPointerKey } from '@store/contracts';
import type { Candidate, ReportName, ReportSource, SourceSnapshot } from '../domain/report';
import { redisFailure } from './redis-client';

/*
 * Reads one report's candidates, their names and the projection's data_as_of in one atomic script, so the
 * answer is a consistent snapshot even while the projector applies events.
 * Redis orders equal scores by member bytes ("10" before "9"), so when the top `limit` is full, every member
 * tied with the last place is fetched too and the domain breaks ties by numeric id.
 * Members scoring 0 or less (all their orders deleted) are skipped with the exclusive bound "(0".
 * KEYS: scores (sorted set), names (hash), meta (hash). ARGV: limit.
 */
const TOP_CANDIDATES = `
local limit = tonumber(ARGV[1])
local top = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, limit)
if #top == 2 * limit then
  top = redis.call('ZREVRANGEBYSCORE', KEYS[1], '+inf', top[#top], 'WITHSCORES')
end
local names = {}
for i = 1, #top, 2 do
  names[#names + 1] = redis.call('HGET', KEYS[2], top[i])
end
return { top, names, redis.call('HGET', KEYS[3], 'data_as_of') }
`;

type ScriptReply = [string[], (string | null)[], string | null];

/** The projector's Redis aggregates (layout in @store/contracts), read at the live version. */
export function createProjectionStore(redis: Redis, prefix: string): ReportSource {
  const liveVersion = async (): Promise<number> => {
    const pointer = await redis.get(versionPointerKey(prefix));
    // No pointer yet: the projector has only ever written version 1.
    if (pointer === null) return 1;
    const version = Number(pointer);
    if (!Number.isSafeInteger(version) || version < 1)
      throw new Error(`bad projection version pointer ${pointer}`);
    return version;
  };

  const read = async (report: ReportName, limit: number): Promise<SourceSnapshot> => {
    const keys = projectionKeys(await liveVersion(), prefix);
    const [scores, names] =
      report === 'highest-spenders' ? [keys.spenders, keys.userNames] : [keys.bestSellers, keys.productNames];
    const [flat, nameList, dataAsOf] = (await redis.eval(
      TOP_CANDIDATES,
      3,
      scores,
      names,
      keys.meta,
      limit,
    )) as ScriptReply;
    const candidates: Candidate[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      candidates.push({ id: Number(flat[i]), name: nameList[i / 2] ?? '', score: Number(flat[i + 1]) });
    }
    return { candidates: candidates.filter((c) => Number.isSafeInteger(c.id)), dataAsOf };
  };

  return {
    name: 'projection',
    candidates: (report, limit) =>
      read(report, limit).catch((error: unknown) => {
        throw redisFailure(error);
      }),
  };
}
