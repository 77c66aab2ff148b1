/*
 * One event, applied atomically to one or two projection versions.
 * KEYS[1] version pointer, KEYS[2] rebuild marker, then six keys per target version:
 *   spenders, best_sellers, user_names, product_names, meta, dedup key of this event.
 * ARGV: expected live version, expected marker ('' = none), dedup TTL seconds (0 = none), user id, user name,
 *   signed cents, occurred_at (normalised ISO), sequence, then product id, name, signed units for each product.
 * Returns {-1} when pointer or marker moved since the caller read them (the caller re-reads and retries),
 * otherwise one entry per target version: 1 applied, 0 duplicate.
 * Increments arrive signed and as strings, so Lua never does arithmetic on money.
 * The dedup key holds the time (epoch ms, Redis clock) the event was applied, so lag can be measured per event.
 */
export const APPLY_EVENT_LUA = `
local live = redis.call('GET', KEYS[1]) or '1'
local marker = redis.call('GET', KEYS[2]) or ''
if live ~= ARGV[1] or marker ~= ARGV[2] then return {-1} end
local ttl = tonumber(ARGV[3])
local results = {}
local clock = redis.call('TIME')
local appliedAt = tostring(clock[1] * 1000 + math.floor(clock[2] / 1000))
for base = 3, #KEYS, 6 do
  local spenders, best, userNames, productNames, meta, dedup =
    KEYS[base], KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4], KEYS[base + 5]
  local fresh
  if ttl > 0 then
    fresh = redis.call('SET', dedup, appliedAt, 'NX', 'EX', ttl)
  else
    fresh = redis.call('SET', dedup, appliedAt, 'NX')
  end
  if not fresh then
    results[#results + 1] = 0
  else
    -- a member back at exactly 0 (created then deleted) leaves the report instead of showing 0
    if tonumber(redis.call('ZINCRBY', spenders, ARGV[6], ARGV[4])) == 0 then redis.call('ZREM', spenders, ARGV[4]) end
    redis.call('HSET', userNames, ARGV[4], ARGV[5])
    for i = 9, #ARGV, 3 do
      if tonumber(redis.call('ZINCRBY', best, ARGV[i + 2], ARGV[i])) == 0 then redis.call('ZREM', best, ARGV[i]) end
      redis.call('HSET', productNames, ARGV[i], ARGV[i + 1])
    end
    redis.call('HINCRBY', meta, 'applied_events', 1)
    local asOf = redis.call('HGET', meta, 'data_as_of')
    if (not asOf) or ARGV[7] > asOf then redis.call('HSET', meta, 'data_as_of', ARGV[7]) end
    local maxSequence = redis.call('HGET', meta, 'max_sequence')
    if (not maxSequence) or tonumber(ARGV[8]) > tonumber(maxSequence) then
      redis.call('HSET', meta, 'max_sequence', ARGV[8])
    end
    results[#results + 1] = 1
  end
end
return results
`;

/** Deletes KEYS[1] only while it still holds ARGV[1] (releasing a lock that may have expired and been re-taken). */
export const RELEASE_LOCK_LUA = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
