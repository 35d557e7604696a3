// The rate limiter's types, apart from its code: the backends (memory, Redis) and the limiter
// that chooses between them all use them, and none of them needs the others for it.

export type RefusedBy = "requests" | "tokens";

export interface LimitSpec {
  requestsPerMinute?: number | null;
  tokensPerMinute?: number | null;
}

/** Tokens reserved by an admitted request; hand it back to settle(). */
export interface Reservation {
  readonly keyId: string;
  /** The window (floor(now / 60 000)) whose count holds the reservation. */
  readonly window: number;
  readonly estimatedTokens: number;
  /** Where it was counted: a Redis reservation is settled in Redis, a memory one in memory. */
  readonly backend: "redis" | "memory";
}

export interface LimitDecision {
  allowed: boolean;
  /** Which limit refused (undefined when allowed). */
  refusedBy?: RefusedBy;
  /** Refused because the estimate alone exceeds the key's tpm: no wait will help. */
  tooLarge?: boolean;
  /** When refused: whole seconds until the window resets, >= 1. */
  retryAfterSeconds?: number;
  /**
   * OpenAI's names, for every response of a limited key (allowed or not), one trio per limit set:
   * x-ratelimit-{limit,remaining,reset}-{requests,tokens}; reset like OpenAI: "850ms", "12s", "1m0s".
   */
  headers: Record<string, string>;
  /** Null when refused or when the key has no token limit. */
  reservation: Reservation | null;
}

export interface LimiterStatus {
  backend: "redis" | "memory";
  redisConfigured: boolean;
  redisHealthy: boolean;
  /** "memory", "redis", "redis (connecting)", "memory (redis unavailable)" or "closed". */
  detail?: string;
  /** With Redis: gateway instances alive at the last heartbeat (a fallback's share is 1/instances). */
  instances?: number;
}

export interface Limiter {
  /** Counts one request and reserves `estimatedTokens` against the tpm window. Refusals consume nothing. */
  acquire(keyId: string, spec: LimitSpec, estimatedTokens: number): Promise<LimitDecision>;
  /** Replaces the reservation with the tokens actually used (more or less than estimated). Once per reservation. */
  settle(reservation: Reservation, actualTokens: number): Promise<void>;
  status(): LimiterStatus;
  /** Stops the Redis probe and closes the connection; later calls are answered from memory. */
  close(): Promise<void>;
}

export interface LimiterOptions {
  /** Shared counters when set; per-instance memory otherwise. */
  redisUrl?: string;
  /** Milliseconds since the epoch (tests inject a clock). */
  now?: () => number;
  /** Prefix of the Redis keys; default "ne:rl:". */
  keyPrefix?: string;
  /** Outage and recovery messages; default console.warn. */
  log?: (msg: string) => void;
  /** Longest a call waits on Redis before answering from this instance's share; default 1000 ms. */
  redisTimeoutMs?: number;
  /** How often an unhealthy limiter PINGs Redis; default 1000 ms. */
  probeIntervalMs?: number;
  /** How often an instance beats its heartbeat into Redis; default 2000 ms. */
  heartbeatIntervalMs?: number;
  /** While Redis is away: each instance admits its share of a limit ("share", default), or limited keys are refused. */
  whenRedisDown?: "share" | "refuse";
}

/** @internal what a backend answers for one check-and-count. */
export interface TakeResult {
  allowed: boolean;
  refusedBy?: RefusedBy;
  /** The window's counts after this request (when allowed) or as they stand (when refused). */
  requests: number;
  tokens: number;
  backend: "redis" | "memory";
}
