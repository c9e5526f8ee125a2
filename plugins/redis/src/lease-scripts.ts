/**
 * The lease of Redis's single-instance lock: taken with `SET <key> <token> NX PX <ttl>` (no script),
 * extended and released only by its holder, each a compare and an update in one script.
 * KEYS[1]: the lease; ARGV[1]: the holder's token; ARGV[2]: the new time to live (ms).
 */
export const RENEW_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`

/** KEYS[1]: the lease; ARGV[1]: the holder's token. Deletes it only if that token holds it. */
export const RELEASE_LEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`

/**
 * Alert states written under the lease's fence: nothing is written unless the token still holds
 * the lease, checked in the same script. KEYS[1]: the lease; KEYS[2]: the states hash (same hash
 * slot); ARGV[1]: the token; ARGV[2]: how many fields to set, then field/value pairs, then the
 * fields to delete. Returns 1 when written, 0 when the lease is not held.
 */
export const WRITE_ALERT_STATES_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return 0
end
local puts = tonumber(ARGV[2])
local i = 3
for _ = 1, puts do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  i = i + 2
end
while i <= #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
  i = i + 1
end
return 1
`
