/**
 * One event's claim on its dedupe key (RealtimeStore.claimIds): a key no live claim holds records
 * the claimant's position with its time to live; a key holding this very position (a redelivery)
 * is the claimant's again, unchanged. KEYS[1]: the claim key; ARGV[1]: the position
 * (`<partition>:<offset>`); ARGV[2]: the time to live (ms). Returns 1 when the event is kept, 0
 * when it is a duplicate.
 */
export const CLAIM_ID_SCRIPT = `
local held = redis.call('GET', KEYS[1])
if not held then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if held == ARGV[1] then
  return 1
end
return 0
`
