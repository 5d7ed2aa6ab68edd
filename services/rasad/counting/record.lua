-- Count one article exactly once (layout: rasad.counting.keys).
-- KEYS[1] article marks, KEYS[2] story marks, KEYS[3] minute totals, KEYS[4] hour totals,
-- then 8 keys per fact: minute articles, minute stories, minute sources,
--   hour articles, hour stories, hour sources, evidence, names.
-- ARGV[1] minute bucket expiry in ms (0: the minute bucket is gone, skip it)
-- ARGV[2] hour bucket expiry in ms, ARGV[3] source, ARGV[4] event time in ms,
-- ARGV[5] evidence member, ARGV[6] evidence cap, then 3 per fact: mark field, key, name.
-- Returns {1 if the article was new else 0, number of (article x key) marks set}.
local minute_expiry = tonumber(ARGV[1])
local hour_expiry = ARGV[2]
local source, event_ms, member, cap = ARGV[3], ARGV[4], ARGV[5], tonumber(ARGV[6])

-- A key's expiry is the same every time one call sets it, so it is set once per call: facts
-- of one kind share their count, name and total keys.
local expiry_set = {}

local function expire(key, expiry)
  if not expiry_set[key] then
    redis.call('PEXPIREAT', key, expiry)
    expiry_set[key] = true
  end
end

-- Extend to the hour expiry when the key has no expiry or an earlier one (PEXPIREAT NX, then
-- GT, in one read when nothing is to change: -1 no expiry, -2 no key, where PEXPIREAT is a no-op).
local hour_expiry_ms = tonumber(hour_expiry)
local function extend(key)
  if not expiry_set[key] then
    if redis.call('PEXPIRETIME', key) < hour_expiry_ms then
      redis.call('PEXPIREAT', key, hour_expiry)
    end
    expiry_set[key] = true
  end
end

local function bump(key, field, expiry)
  redis.call('HINCRBY', key, field, 1)
  expire(key, expiry)
end

local new_article = redis.call('HSETNX', KEYS[1], '*', event_ms)
if new_article == 1 then
  local new_story = redis.call('HSETNX', KEYS[2], '*', event_ms)
  if minute_expiry > 0 then bump(KEYS[3], 'articles', minute_expiry) end
  bump(KEYS[4], 'articles', hour_expiry)
  if new_story == 1 then
    if minute_expiry > 0 then bump(KEYS[3], 'stories', minute_expiry) end
    bump(KEYS[4], 'stories', hour_expiry)
  end
end

local counted = 0
local nfacts = (#ARGV - 6) / 3
for i = 0, nfacts - 1 do
  local field, key, name = ARGV[7 + 3 * i], ARGV[8 + 3 * i], ARGV[9 + 3 * i]
  local k = 4 + 8 * i
  if redis.call('HSETNX', KEYS[1], field, 1) == 1 then
    counted = counted + 1
    local new_story_key = redis.call('HSETNX', KEYS[2], field, 1) == 1
    local first = 1
    if minute_expiry == 0 then first = 4 end
    for j = first, 4, 3 do
      local expiry = hour_expiry
      if j == 1 then expiry = minute_expiry end
      redis.call('ZINCRBY', KEYS[k + j], 1, key)
      expire(KEYS[k + j], expiry)
      if new_story_key then
        redis.call('ZINCRBY', KEYS[k + j + 1], 1, key)
        expire(KEYS[k + j + 1], expiry)
      end
      -- a bucket's expiry depends on the bucket alone, so a set that had the source already
      -- has it
      if redis.call('SADD', KEYS[k + j + 2], source) == 1 then
        redis.call('PEXPIREAT', KEYS[k + j + 2], expiry)
      end
    end
    if new_story_key then
      redis.call('ZADD', KEYS[k + 7], event_ms, member)
      redis.call('ZREMRANGEBYRANK', KEYS[k + 7], 0, -(cap + 1))
      extend(KEYS[k + 7])
    end
    redis.call('HSET', KEYS[k + 8], key, name)
    extend(KEYS[k + 8])
  end
end
extend(KEYS[1])
extend(KEYS[2])
return {new_article, counted}
