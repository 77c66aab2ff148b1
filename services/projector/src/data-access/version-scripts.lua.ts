/*
 * The scripts that read and move the projection's versions. Each one touches only keys of the projection's one
 * hash slot, declared in KEYS, so each is one atomic call on Redis Cluster too. A version's keys are known only
 * once the pointer is read, so a caller names the version it believes live and the script checks the belief
 * (one extra round trip after a switch, never a read of the wrong version).
 * The meta fields they touch come in ARGV (PROJECTION_META of @store/contracts), so the layout is declared once.
 */

/**
 * KEYS: pointer, rebuild marker, rebuild lock, meta of the version the caller believes live. ARGV: that version,
 * the meta fields completed_at and applied_events.
 * Returns {pointer or '', marker or '', lock held 0/1, belief right 0/1, completed_at or '', applied_events}.
 */
export const READ_STATE_LUA = `
local pointer = redis.call('GET', KEYS[1]) or ''
local marker = redis.call('GET', KEYS[2]) or ''
local locked = redis.call('EXISTS', KEYS[3])
local live = pointer
if live == '' then live = '1' end
if live ~= ARGV[1] then return { pointer, marker, locked, 0, '', 0 } end
local meta = redis.call('HMGET', KEYS[4], ARGV[2], ARGV[3])
return { pointer, marker, locked, 1, meta[1] or '', tonumber(meta[2] or '0') }
`;

/**
 * Makes a rebuilt version live: pointer ← version and the version's completed_at, in one step, and the marker
 * goes; only while the marker is still this rebuild's. KEYS: pointer, marker, meta of the new version.
 * ARGV: this rebuild's marker, the new version, completed_at, the meta field completed_at. Returns the version that was live, or -1.
 */
export const SWITCH_LIVE_LUA = `
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return -1 end
local old = tonumber(redis.call('GET', KEYS[1]) or '1')
redis.call('SET', KEYS[1], ARGV[2])
redis.call('HSET', KEYS[3], ARGV[4], ARGV[3])
redis.call('DEL', KEYS[2])
return old
`;

/**
 * Withdraws the live version from readers (its completed_at goes) while the pointer still names it: readers
 * then answer from MySQL or 503 until a rebuild replaces it. KEYS: pointer, its meta. ARGV: the version, the
 * meta field completed_at.
 */
export const WITHDRAW_LIVE_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('HDEL', KEYS[2], ARGV[2])
`;
