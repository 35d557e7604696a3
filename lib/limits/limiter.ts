// Per-key rate limits: requests per minute (rpm) and tokens per minute (tpm), each optional,
// exact under concurrency on one instance (memory) or across many (Redis, REDIS_URL).
//
// API
//   const limiter = createLimiter({ redisUrl, now?, keyPrefix?, log?, redisTimeoutMs?, probeIntervalMs?, whenRedisDown? });
//   const d = await limiter.acquire(keyId, { requestsPerMinute, tokensPerMinute }, estimatedTokens);
//   set d.headers on the response (also on the 429);
//   if (!d.allowed) → 429 with `Retry-After: d.retryAfterSeconds` (d.refusedBy says which limit;
//                     d.tooLarge: the estimate alone exceeds tpm, retrying cannot help);
//   else when the call is done → await limiter.settle(d.reservation, actualTokens) (0 refunds it;
//        reservation is null when the key has no tpm, nothing to settle).
//   limiter.status() for /api/health; await limiter.close() on shutdown.
//   acquire/settle never throw because of Redis; a limit of null/undefined means none, 0 refuses all.
//
// Window: fixed 60 s windows, number = floor(now / 60 000), shared by all keys and instances.
// One counter pair per key and window makes "20 simultaneous requests against 6 per minute let
// exactly 6 through" exact (memory: a synchronous check-and-count; Redis: one Lua script).
// Worst case at a boundary: rpm requests at 0:59.9 and rpm more at 1:00.0, i.e. 2 × rpm (and
// 2 × tpm) inside a fraction of a second; over any 60 s span at most 2 × the limit. Each instance
// numbers windows with its own clock (passed to the script, which lets tests drive windows), so
// clock skew δ between instances can let extra requests through during δ around a boundary.
//
// Tokens: acquire() reserves the estimate (refused when used + reserved + estimate > tpm, when
// nothing remains, or when the estimate alone exceeds tpm); settle() moves the count of the window
// it was reserved in by (actual − estimate). So within one window the count can exceed tpm by at
// most Σ max(0, actual − estimate) over the requests admitted in it that were still in flight when
// it filled up: for a burst of concurrent streams, the sum of their underestimates. A stream that
// finishes after its window ended is charged to that past window only (settling it is a no-op),
// so the next window does not see it. Estimating prompt + max_tokens makes the overshoot ≤ 0.
//
// Redis: one hash per key and window ({r, t}), expiring after 2 windows. A call that Redis does not
// answer within redisTimeoutMs (default 1 s) gets this instance's share; a lost connection or
// three timeouts in a row are an outage (limiter-redis.ts). While Redis is away each of the N
// instances last seen alive admits at most floor((limit − count Redis last answered) / N) of the
// minute, so together they stay within the limit, or refuses limited keys (whenRedisDown:
// "refuse"); once Redis answers, what each admitted alone is added to the shared count. The
// bound assumes the instance count is current: an instance started during the outage is unseen.
// A command that timed out may still run later on a stalled Redis, counting that request twice.
import { MemoryCounters } from "./limiter-memory";
import { RedisCounters } from "./limiter-redis";
import type { Limiter, LimiterOptions, Reservation } from "./types";

export type * from "./types";

export const WINDOW_MS = 60_000;

export function createLimiter(opts: LimiterOptions = {}): Limiter {
  const now = opts.now ?? Date.now;
  const log = opts.log ?? ((msg: string) => console.warn(`[neuronedge] ${msg}`));
  const memory = new MemoryCounters();
  const redis = opts.redisUrl
    ? new RedisCounters({
        url: opts.redisUrl,
        keyPrefix: opts.keyPrefix ?? "ne:rl:",
        windowMs: WINDOW_MS,
        window: () => Math.floor(now() / WINDOW_MS),
        log,
        timeoutMs: opts.redisTimeoutMs ?? 1_000,
        probeIntervalMs: opts.probeIntervalMs ?? 1_000,
        heartbeatIntervalMs: opts.heartbeatIntervalMs ?? 2_000,
        whenDown: opts.whenRedisDown ?? "share",
      })
    : null;
  // Identity, not a field: a reservation cannot be marked settled by the caller, or settled twice.
  const settled = new WeakSet<Reservation>();
  let closed = false;

  return {
    async acquire(keyId, spec, estimatedTokens) {
      const rpm = limitOf(spec.requestsPerMinute);
      const tpm = limitOf(spec.tokensPerMinute);
      if (rpm === null && tpm === null) return { allowed: true, headers: {}, reservation: null };
      const at = now();
      const window = Math.floor(at / WINDOW_MS);
      const estimate = tpm === null ? 0 : tokensOf(estimatedTokens);
      const taken = redis ? await redis.take(keyId, window, rpm, tpm, estimate) : memory.take(keyId, window, rpm, tpm, estimate);
      const resetMs = (window + 1) * WINDOW_MS - at;
      const headers = rateLimitHeaders(rpm, tpm, taken, resetMs);
      if (!taken.allowed) {
        return {
          allowed: false,
          refusedBy: taken.refusedBy,
          ...(tpm !== null && estimate > tpm ? { tooLarge: true } : {}),
          retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
          headers,
          reservation: null,
        };
      }
      const reservation: Reservation | null = tpm === null ? null : { keyId, window, estimatedTokens: estimate, backend: taken.backend };
      return { allowed: true, headers, reservation };
    },

    async settle(reservation, actualTokens) {
      if (settled.has(reservation)) return;
      settled.add(reservation);
      const delta = tokensOf(actualTokens) - reservation.estimatedTokens;
      // Once its window is over, no decision can see the count again: nothing worth a round trip.
      if (delta === 0 || Math.floor(now() / WINDOW_MS) !== reservation.window) return;
      if (reservation.backend === "redis" && redis) await redis.adjust(reservation.keyId, reservation.window, delta);
      else if (redis) redis.adjustLocal(reservation.keyId, reservation.window, delta);
      else memory.adjust(reservation.keyId, reservation.window, delta);
    },

    status() {
      if (!redis) return { backend: "memory", redisConfigured: false, redisHealthy: false, detail: closed ? "closed" : "memory" };
      const { healthy, mode, instances } = redis.status();
      const detail = {
        up: "redis",
        connecting: "redis (connecting)",
        down: "memory (redis unavailable)",
        closed: "closed",
      }[mode];
      const backend = mode === "up" || mode === "connecting" ? "redis" : "memory";
      return { backend, redisConfigured: true, redisHealthy: healthy, detail, instances };
    },

    async close() {
      closed = true;
      memory.clear();
      await redis?.close();
    },
  };
}

/** null/undefined/NaN/±Infinity: no limit; otherwise a whole number >= 0 (0 refuses everything). */
function limitOf(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return Math.max(0, Math.floor(value));
}

/** Token counts are whole and >= 0; anything unusable counts as 0. */
function tokensOf(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.ceil(value) : 0;
}

function rateLimitHeaders(
  rpm: number | null,
  tpm: number | null,
  counts: { requests: number; tokens: number },
  resetMs: number,
): Record<string, string> {
  const headers: Record<string, string> = {};
  const reset = formatResetDuration(resetMs);
  if (rpm !== null) {
    headers["x-ratelimit-limit-requests"] = String(rpm);
    headers["x-ratelimit-remaining-requests"] = String(Math.max(0, rpm - counts.requests));
    headers["x-ratelimit-reset-requests"] = reset;
  }
  if (tpm !== null) {
    headers["x-ratelimit-limit-tokens"] = String(tpm);
    headers["x-ratelimit-remaining-tokens"] = String(Math.max(0, tpm - counts.tokens));
    headers["x-ratelimit-reset-tokens"] = reset;
  }
  return headers;
}

/** A duration as OpenAI writes it (Go's format): "850ms", "12s", "12.5s", "1m0s", "0s". */
export function formatResetDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms));
  // Requests arriving in the same millisecond share one string (it showed in the profile).
  if (total === last.ms) return last.text;
  let text: string;
  if (total === 0) text = "0s";
  else if (total < 1000) text = `${total}ms`;
  else {
    const minutes = Math.floor(total / 60_000);
    const seconds = `${Number(((total % 60_000) / 1000).toFixed(3))}s`;
    text = minutes > 0 ? `${minutes}m${seconds}` : seconds;
  }
  last.ms = total;
  last.text = text;
  return text;
}
const last = { ms: -1, text: "" };
