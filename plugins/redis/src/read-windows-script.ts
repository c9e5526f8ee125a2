/**
 * Reads the cell fields of every bucket hash of a view's windows in [from, to) in ONE call (one
 * consistent snapshot, one round trip), for a standalone server: the bucket keys are derived from
 * the window index, so they are not declared in KEYS, which Redis Cluster would refuse (there the
 * store reads bucket by bucket).
 *
 * KEYS[1]  the view's window index (sorted set)
 * KEYS[2]  the view's cutoff mark (hash, field 'cutoff')
 * KEYS[3]  the view's version (hash, field 'v': set by every script call that changes its windows)
 * ARGV[1]  from (inclusive), ARGV[2] to (exclusive)
 * ARGV[3]  bucket key prefix: '<prefix>:v:{<view>:'
 * ARGV[4]  number of buckets
 * ARGV[5]  the version the caller holds ('' none)
 * Returns a flat list: the cutoff mark ('' when none), the version ('' when none), '1' if it is
 * ARGV[5] (then nothing follows) else '0', then window start and the bucket's cell fields and
 * values (fences left out), for each non-empty bucket. All read in the same atomic step.
 */
export const READ_WINDOWS_SCRIPT = `
local version = redis.call('HGET', KEYS[3], 'v') or ''
local mark = redis.call('HGET', KEYS[2], 'cutoff') or ''
if version ~= '' and version == ARGV[5] then return { mark, version, '1' } end
local starts = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[1], '(' .. ARGV[2])
local prefix = ARGV[3]
local buckets = tonumber(ARGV[4])
local out = { mark, version, '0' }
for _, w in ipairs(starts) do
  for b = 0, buckets - 1 do
    local h = redis.call('HGETALL', prefix .. w .. ':' .. b .. '}')
    if #h > 0 then
      local cells = {}
      for i = 1, #h, 2 do
        if string.byte(h[i], 1) == 99 then
          cells[#cells + 1] = h[i]
          cells[#cells + 1] = h[i + 1]
        end
      end
      out[#out + 1] = w
      out[#out + 1] = cells
    end
  end
end
return out
`
