import type { Result } from 'ioredis';
import { projectionControlKeys, projectionKeys } from '@store/contracts';
import type { RedisClient } from '@store/service-kit';
import {
  ProjectionUnavailableError,
  type Candidate,
  type ReportName,
  type ReportSource,
  type SourceSnapshot,
} from '../domain/report';
import { redisFailure } from './redis-client';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    reportsTopCandidates(
      pointer: string,
      scores: string,
      names: string,
      meta: string,
      version: string,
      limit: number,
    ): Result<TopReply, Context>;
  }
}

type TopReply = ['ok', string[], (string | null)[], string | null] | ['moved', string] | ['missing'];

/*
 * Checks the version pointer and reads that version's candidates, names and data_as_of in ONE script, so the
 * answer is a consistent snapshot of one complete version: neither the projector applying events nor a rebuild
 * switching versions and deleting the old one can come between the pointer and the data. All keys share the
 * projection's hash slot (@store/contracts), so this holds on Redis Cluster too. The keys of a version are
 * known only from the pointer, so the caller names the version it believes live and the script answers
 * 'moved' when that is wrong (one more call after each rebuild), 'missing' when there is no complete version.
 * Redis orders equal scores by member bytes ("10" before "9"), so when the top `limit` is full, every member
 * tied with the last place is fetched too and the domain breaks ties by numeric id.
 * Members scoring 0 or less (all their orders deleted) are skipped with the exclusive bound "(0".
 * KEYS: pointer, scores (sorted set), names (hash), meta (hash) of the believed version. ARGV: version, limit.
 */
const TOP_CANDIDATES = `
local live = redis.call('GET', KEYS[1])
if not live then return { 'missing' } end
if live ~= ARGV[1] then return { 'moved', live } end
if not redis.call('HGET', KEYS[4], 'completed_at') then return { 'missing' } end
local limit = tonumber(ARGV[2])
local top = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', '(0', 'WITHSCORES', 'LIMIT', 0, limit)
if #top == 2 * limit then
  top = redis.call('ZREVRANGEBYSCORE', KEYS[2], '+inf', top[#top], 'WITHSCORES')
end
local names = {}
for i = 1, #top, 2 do
  names[#names + 1] = redis.call('HGET', KEYS[3], top[i])
end
return { 'ok', top, names, redis.call('HGET', KEYS[4], 'data_as_of') }
`;

/** A rebuild moves the pointer once; a few tries are plenty even while rebuilds follow each other. */
const MAX_MOVES = 4;

/** The projector's Redis aggregates (layout in @store/contracts), read at the live version. */
export function createProjectionStore(redis: RedisClient, prefix: string): ReportSource {
  redis.defineCommand('reportsTopCandidates', { numberOfKeys: 4, lua: TOP_CANDIDATES });
  const pointer = projectionControlKeys(prefix).pointer;
  // 0 names no version: the first read learns the live one.
  let believed = 0;

  const read = async (report: ReportName, limit: number): Promise<SourceSnapshot> => {
    for (let attempt = 0; attempt < MAX_MOVES; attempt += 1) {
      const keys = projectionKeys(believed, prefix);
      const [scores, names] =
        report === 'highest-spenders'
          ? [keys.spenders, keys.userNames]
          : [keys.bestSellers, keys.productNames];
      const reply = await redis.reportsTopCandidates(
        pointer,
        scores,
        names,
        keys.meta,
        String(believed),
        limit,
      );
      if (reply[0] === 'missing') throw new ProjectionUnavailableError();
      if (reply[0] === 'moved') {
        believed = Number(reply[1]);
        continue;
      }
      const [, flat, nameList, dataAsOf] = reply;
      const candidates: Candidate[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) {
        candidates.push({ id: Number(flat[i]), name: nameList[i / 2] ?? '', score: Number(flat[i + 1]) });
      }
      return { candidates: candidates.filter((c) => Number.isSafeInteger(c.id)), dataAsOf };
    }
    throw new ProjectionUnavailableError();
  };

  return {
    name: 'projection',
    candidates: (report, limit) =>
      read(report, limit).catch((error: unknown) => {
        if (error instanceof ProjectionUnavailableError) throw error;
        throw redisFailure(error);
      }),
  };
}
