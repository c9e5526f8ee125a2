/**
 * Applies the deltas of one log batch to the groups of ONE bucket hash (one key, one hash slot),
 * under per-group offset fences, atomically.
 *
 * KEYS[1]  bucket hash
 * KEYS[2]  the view's version hash (optional: on a standalone server, where it may be in
 *          another hash slot); when the call changes a group its field 'v' is set to ARGV[6]
 * ARGV[1]  fence field prefix: 'f' .. topic .. '\31' .. partition .. '\31'
 * ARGV[2]  firstOffset, ARGV[3] lastOffset
 * ARGV[4]  one op per cell, separated by spaces: i (integer sum), f (float sum), n (min), x (max),
 *          h<p> (HyperLogLog of 2^p registers), b (quantile buckets). A min or max value '' is the
 *          cell's identity (a delta whose values were all null): nothing to merge. A sketch's
 *          value '' is an empty sketch: its field is set to '' if the group has none, so that
 *          every group has a cell field (reads return cell fields only, not fences).
 *          h: the field holds one character per register, '0' + rank; the value lists the
 *          registers set, ascending by index, 4 characters each ('0' + the index's three 6-bit
 *          digits, then '0' + rank); only the registers whose rank grows are rewritten.
 *          b: one field per bucket, `c<cell>.<key>\x1f<group>`, added to with HINCRBY; the value
 *          is `key:count` pairs separated by commas. The cell's own field holds nothing ('').
 * ARGV[5]  TTL in ms (0: none)
 * ARGV[6]  the view's new version if this call changes it (unique per call)
 * then per group: its id, then one value per cell
 * Returns per group: -1 applied, -2 duplicate, or the fence (>= 0) on overlap.
 *
 * Float sums are added as doubles in Lua and stored with 17 significant digits, so they equal
 * JavaScript's additions bit for bit (HINCRBYFLOAT would use long double).
 */
export const APPLY_SCRIPT = `
local key = KEYS[1]
local fp = ARGV[1]
local first = tonumber(ARGV[2])
local last = tonumber(ARGV[3])
local ops = {}
for op in string.gmatch(ARGV[4], '%S+') do ops[#ops + 1] = op end
local n = #ops
local ttl = tonumber(ARGV[5])
local out = {}
local changed = false
local i = 7
while i <= #ARGV do
  local g = ARGV[i]
  local ff = fp .. g
  local f = tonumber(redis.call('HGET', key, ff) or '-1')
  if last <= f then
    out[#out + 1] = -2
  elseif first <= f then
    out[#out + 1] = f
  else
    for c = 1, n do
      local op = ops[c]
      local field = 'c' .. (c - 1) .. '\\31' .. g
      local v = ARGV[i + c]
      if op == 'i' then
        redis.call('HINCRBY', key, field, v)
      elseif op == 'b' then
        if v == '' then redis.call('HSETNX', key, field, '') end
        for k, count in string.gmatch(v, '(-?%d+):(%d+)') do
          redis.call('HINCRBY', key, 'c' .. (c - 1) .. '.' .. k .. '\\31' .. g, count)
        end
      elseif v ~= '' then
        local cur = redis.call('HGET', key, field)
        if string.sub(op, 1, 1) == 'h' then
          if (not cur) or cur == '' then cur = string.rep('0', 2 ^ tonumber(string.sub(op, 2))) end
          local parts = {}
          local at = 1
          for j = 1, #v, 4 do
            local d1, d2, d3, rank = string.byte(v, j, j + 3)
            local index = (d1 - 48) * 4096 + (d2 - 48) * 64 + (d3 - 48)
            if rank > string.byte(cur, index + 1) then
              parts[#parts + 1] = string.sub(cur, at, index)
              parts[#parts + 1] = string.char(rank)
              at = index + 2
            end
          end
          if #parts > 0 then
            parts[#parts + 1] = string.sub(cur, at)
            redis.call('HSET', key, field, table.concat(parts))
          end
        elseif op == 'f' then
          local sum = tonumber(v) + (cur and tonumber(cur) or 0)
          redis.call('HSET', key, field, string.format('%.17g', sum))
        elseif (not cur) or (op == 'n' and tonumber(v) < tonumber(cur)) or (op == 'x' and tonumber(v) > tonumber(cur)) then
          redis.call('HSET', key, field, v)
        end
      elseif string.sub(op, 1, 1) == 'h' then
        redis.call('HSETNX', key, field, '')
      end
    end
    redis.call('HSET', key, ff, last)
    out[#out + 1] = -1
    changed = true
  end
  i = i + 1 + n
end
if changed and ttl > 0 then redis.call('PEXPIRE', key, ttl) end
if changed and KEYS[2] then redis.call('HSET', KEYS[2], 'v', ARGV[6]) end
return out
`

/** Sets a hash field to a number only if it is greater than the one stored (progress never moves back). */
export const MAX_SET_SCRIPT = `
local cur = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1e308')
if tonumber(ARGV[2]) > cur then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) return 1 end
return 0
`

/**
 * Deletes a bucket hash and returns how many groups it held (counted by their fence fields: every
 * group applied has one, whatever its cells); when it held any and KEYS[2] (the view's version
 * hash, standalone only) is given, sets its field 'v' to ARGV[1].
 */
export const DROP_SCRIPT = `
local n = 0
local groups = {}
for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do
  local g = string.match(f, '^f[^\\31]*\\31[^\\31]*\\31(.*)$')
  if g and not groups[g] then
    groups[g] = true
    n = n + 1
  end
end
redis.call('DEL', KEYS[1])
if n > 0 and KEYS[2] then redis.call('HSET', KEYS[2], 'v', ARGV[1]) end
return n
`
