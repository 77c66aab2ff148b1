/*
 * A batch of events, applied atomically to one or two projection versions (the live one and, during a rebuild,
 * the one being built). One script call per batch: the events are decided one by one (each version has its own
 * dedup key per event, so a duplicate inside the batch or from an earlier one counts once), and the increments
 * of the fresh ones are summed per member and written once, so a hot product costs one ZINCRBY per batch.
 *
 * Every key is in the projection's one hash slot (see @store/contracts projection-keys), so this stays one
 * atomic call on Redis Cluster too.
 * KEYS: [1] version pointer, [2] rebuild marker, then five keys per target version (spenders, best_sellers,
 *   user_names, product_names, meta), then the dedup keys, version by version, one per event in batch order.
 * ARGV: expected live version ('*' = any: a replay writes only into its own version), expected marker ('' =
 *   none), dedup TTL seconds (0 = none), number of events, the meta fields applied events, data as of and max
 *   sequence (PROJECTION_META of @store/contracts, so the layout is declared once); then per event: user id, user name, signed cents,
 *   occurred_at (normalised ISO), sequence, number of products, and product id, name, signed units per product.
 * Returns {-1} when pointer or marker moved since the caller read them (the caller re-reads and retries),
 * otherwise version by version one entry per event: 1 applied, 0 duplicate. Before any rebuild (no pointer)
 * the live version is the scratch version 1, which readers never use.
 * Sums are exact: cents and units are integers far below 2^53, exact in Lua numbers as in Redis scores; they are
 * written with '%.0f' because Lua's tostring keeps only 14 digits. A member whose total comes back to exactly 0
 * (created then deleted) leaves the report instead of showing 0, as when the events came one by one.
 * The dedup key holds the time (epoch ms, Redis clock) the event was applied, so lag can be measured per event.
 */
export const APPLY_EVENTS_LUA = `
local live = redis.call('GET', KEYS[1]) or '1'
local marker = redis.call('GET', KEYS[2]) or ''
if (ARGV[1] ~= '*' and live ~= ARGV[1]) or marker ~= ARGV[2] then return {-1} end
local ttl = tonumber(ARGV[3])
local count = tonumber(ARGV[4])
local appliedEventsField, dataAsOfField, maxSequenceField = ARGV[5], ARGV[6], ARGV[7]
local events = {}
local a = 8
for e = 1, count do
  local event = { user = ARGV[a], userName = ARGV[a + 1], cents = tonumber(ARGV[a + 2]), at = ARGV[a + 3],
    sequence = tonumber(ARGV[a + 4]), products = {} }
  local n = tonumber(ARGV[a + 5])
  a = a + 6
  for p = 1, n do
    event.products[p] = { id = ARGV[a], name = ARGV[a + 1], units = tonumber(ARGV[a + 2]) }
    a = a + 3
  end
  events[e] = event
end

local function addTo(sums, order, member, amount)
  if sums[member] == nil then
    sums[member] = 0
    order[#order + 1] = member
  end
  sums[member] = sums[member] + amount
end

local function increment(key, sums, order)
  for _, member in ipairs(order) do
    local amount = sums[member]
    if amount ~= 0 and tonumber(redis.call('ZINCRBY', key, string.format('%.0f', amount), member)) == 0 then
      redis.call('ZREM', key, member)
    end
  end
end

-- names: the last fresh event's name wins, as it would one by one; written in chunks (unpack has a limit)
local function setNames(key, names, order)
  local fields = {}
  for _, member in ipairs(order) do
    fields[#fields + 1] = member
    fields[#fields + 1] = names[member]
    if #fields >= 1000 then
      redis.call('HSET', key, unpack(fields))
      fields = {}
    end
  end
  if #fields > 0 then redis.call('HSET', key, unpack(fields)) end
end

local clock = redis.call('TIME')
local appliedAt = tostring(clock[1] * 1000 + math.floor(clock[2] / 1000))
local versions = (#KEYS - 2) / (5 + count)
local results = {}
for v = 1, versions do
  local base = 3 + (v - 1) * 5
  local spenders, best, userNames, productNames, meta =
    KEYS[base], KEYS[base + 1], KEYS[base + 2], KEYS[base + 3], KEYS[base + 4]
  local spend, spendOrder, units, unitsOrder, userNameOf, productNameOf = {}, {}, {}, {}, {}, {}
  local fresh, newestAt, newestSequence = 0, nil, nil
  for e, event in ipairs(events) do
    local dedup = KEYS[2 + versions * 5 + (v - 1) * count + e]
    local isNew
    if ttl > 0 then
      isNew = redis.call('SET', dedup, appliedAt, 'NX', 'EX', ttl)
    else
      isNew = redis.call('SET', dedup, appliedAt, 'NX')
    end
    if isNew then
      fresh = fresh + 1
      addTo(spend, spendOrder, event.user, event.cents)
      userNameOf[event.user] = event.userName
      for _, product in ipairs(event.products) do
        addTo(units, unitsOrder, product.id, product.units)
        productNameOf[product.id] = product.name
      end
      if newestAt == nil or event.at > newestAt then newestAt = event.at end
      if newestSequence == nil or event.sequence > newestSequence then newestSequence = event.sequence end
      results[#results + 1] = 1
    else
      results[#results + 1] = 0
    end
  end
  if fresh > 0 then
    increment(spenders, spend, spendOrder)
    increment(best, units, unitsOrder)
    setNames(userNames, userNameOf, spendOrder)
    setNames(productNames, productNameOf, unitsOrder)
    redis.call('HINCRBY', meta, appliedEventsField, fresh)
    local asOf = redis.call('HGET', meta, dataAsOfField)
    if (not asOf) or newestAt > asOf then redis.call('HSET', meta, dataAsOfField, newestAt) end
    local maxSequence = redis.call('HGET', meta, maxSequenceField)
    if (not maxSequence) or newestSequence > tonumber(maxSequence) then
      redis.call('HSET', meta, maxSequenceField, string.format('%.0f', newestSequence))
    end
  end
end
return results
`;
