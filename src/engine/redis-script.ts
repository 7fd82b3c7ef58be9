/**
 * The two Lua scripts that keep one access key's rate window in Redis, shared by every process
 * on the key. Redis runs each script atomically, and its clock (`TIME`) is the only clock they
 * use, so the hosts' clocks need not agree.
 *
 * The window follows the service's: it opens with the first request (`take`), ends one window
 * after that window's first counted answer (`observe`: one with rate headers; the server's
 * window opened when a counted request arrived, which was before that answer), and its count is corrected by the answers'
 * `X-RateLimit-Remaining` both ways: a request the server does not count (no rate headers) costs
 * nothing, and requests of clients outside Redis are counted once an answer shows them.
 *
 * The hash at `<prefix>:window:<sha256(key)>` holds (all integers, times in Redis ms):
 * - `s` the window's start (its id), `e` its end (0 until its first counted answer), `l` the limit last
 *   answered in `X-RateLimit-Limit` (0: none yet, the caller's limit applies);
 * - `n` the highest count an answer of this window reported (`limit - remaining`), `f` slots
 *   granted in this window not answered yet, `k` of those answered without reaching the server
 *   for sure (status 0: they may have counted);
 * - `r` the reset second of the server's window this window's answers report; `x` answers that
 *   reported a later one (sent late in the window: they count in the next window);
 * - `p`/`q` the previous window's id and reset second, `c` its slots still unanswered when it
 *   ended (counted in this window until their answers show which server window took them);
 * - `b` until when a 429's `Retry-After` blocks every slot.
 *
 * Slots used = `n + f + c + k`; a slot is granted while that is below the limit. This bounds the
 * server's count from above: every counted answered request is within `n` (the largest count
 * reported), and every other request of the window is in `f`, `c` or `k`.
 */
import { createHash } from 'node:crypto';

const READ_FIELDS = `
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local v = redis.call('HMGET', key, 's', 'e', 'n', 'f', 'c', 'x', 'k', 'r', 'b', 'l', 'p', 'q')
local s, e, n, f = tonumber(v[1]) or 0, tonumber(v[2]) or 0, tonumber(v[3]) or 0, tonumber(v[4]) or 0
local c, x, k, r = tonumber(v[5]) or 0, tonumber(v[6]) or 0, tonumber(v[7]) or 0, tonumber(v[8]) or 0
local b, l, p, q = tonumber(v[9]) or 0, tonumber(v[10]) or 0, tonumber(v[11]) or 0, tonumber(v[12]) or 0
local function left(at) if at > 0 then return at - now end return -1 end
`;

/**
 * `take(limit, windowMs, answerMs)`: grants a slot, or says how long to wait for one.
 * `answerMs` bounds how long a request may stay unanswered: a window whose first answer never
 * came (its sender died) ends `windowMs + answerMs` after it opened.
 *
 * A full window with slots unanswered is looked at again after 25 ms, not at its end: `used`
 * counts such a slot twice once another answer's count includes it.
 *
 * Returns `{granted 1|0, window id | wait ms, used, limit, ms to the window's end or -1, ms blocked or 0}`.
 */
export const TAKE_SCRIPT = `${READ_FIELDS}
local win, answerMs = tonumber(ARGV[2]), tonumber(ARGV[3])
if l == 0 then l = tonumber(ARGV[1]) end
if b > now then return {0, b - now, n + f + c + k, l, left(e), b - now} end
if s > 0 and ((e > 0 and now >= e) or (e == 0 and now >= s + win + answerMs)) then
  -- The window is over. Its requests still in flight, and those a later server window already
  -- counted, may count in the next one (unless that could have ended too).
  local carry = 0
  if e > 0 and now < e + win then carry = f + x end
  p, q, c = s, r, carry
  s, e, n, f, x, k, r = 0, 0, 0, 0, 0, 0, 0
  redis.call('HSET', key, 'p', p, 'q', q, 'c', c, 'e', 0, 'n', 0, 'f', 0, 'x', 0, 'k', 0, 'r', 0)
end
if s == 0 then
  s = now
  redis.call('HSET', key, 's', s)
end
redis.call('PEXPIRE', key, 3 * win + answerMs)
local used = n + f + c + k
if used < l then
  redis.call('HSET', key, 'f', f + 1)
  return {1, s, used + 1, l, left(e), 0}
end
-- Full: wait for the end, or (while no counted answer has fixed it) for the earliest it can be.
local wait = s + win - now
if e > 0 then wait = e - now end
if wait < 5 then wait = 5 end
if e == 0 and wait < 25 then wait = 25 end
-- Unanswered slots may be in n already (the server counted them before an answer reported n):
-- their answers can free room, so look again soon rather than at the window's end.
if f > 0 and wait > 25 then wait = 25 end
return {0, wait, used, l, left(e), 0}
`;

/**
 * `observe(window id, status, remaining, reset, retryAfter, limit, windowMs, answerMs)`: the answer
 * to a slot granted in window `id`; -1 for a header the answer did not carry, status 0 for a
 * request that got no answer, status {@link NOT_SENT} (no headers) for a slot given back unused:
 * like an answer the server did not count, it frees the slot.
 *
 * Returns `{used, limit, ms to the window's end or -1, ms blocked or 0}`.
 */
export const OBSERVE_SCRIPT = `${READ_FIELDS}
local w, status, rem, reset = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local retry, limit, win, answerMs = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
if limit > 0 then l = limit end
local cap = l
if cap == 0 then cap = 1000000 end
if w == s and s > 0 then
  if f > 0 then f = f - 1 end
  if status == 429 then
    n = cap
  elseif status == 0 then
    k = k + 1
  elseif rem >= 0 then
    -- The server's window opened when a counted request arrived: before its answer. An answer
    -- without rate headers (not counted: bucket creation) opened none, so it ends nothing.
    if e == 0 then e = now + win end
    if r == 0 then r = reset end
    if reset > r then
      x = x + 1
    else
      if reset > 0 and reset < r then r = reset end
      if l - rem > n then n = l - rem end
    end
  end
elseif w == p and p > 0 then
  if c > 0 then c = c - 1 end
  if status == 0 then
    k = k + 1
  elseif status ~= 429 and rem >= 0 and q > 0 and reset > q then
    -- Counted by the server window after the one it was sent in: this window's.
    if e == 0 then e = now + win end
    if r == 0 then r = reset end
    if reset <= r and l - rem > n then n = l - rem end
  end
end
if status == 429 then
  if retry < 1 then retry = 1 end
  if now + retry * 1000 > b then b = now + retry * 1000 end
  if s > 0 and e < b then e = b end
end
redis.call('HSET', key, 'e', e, 'n', n, 'f', f, 'c', c, 'x', x, 'k', k, 'r', r, 'b', b, 'l', l)
redis.call('PEXPIRE', key, 3 * win + answerMs)
local blocked = 0
if b > now then blocked = b - now end
if l == 0 then l = -1 end
return {n + f + c + k, l, left(e), blocked}
`;

/** The status `observe` is given for a slot no request was sent on (`Limiter.release`). */
export const NOT_SENT = -1;

/** The SHA1 that `EVALSHA` knows `script` by. */
export function scriptSha(script: string): string {
  return createHash('sha1').update(script).digest('hex');
}
