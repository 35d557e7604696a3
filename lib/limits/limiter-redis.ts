// Shared window counters in Redis, for several gateway instances behind one load balancer.
// One Lua script checks and counts both limits atomically (EVALSHA, EVAL when the server answers
// NOSCRIPT, e.g. after a restart or SCRIPT FLUSH). Each instance also beats a heartbeat into
// Redis, so every one knows how many are alive. Redis trouble never reaches the caller:
// - a slow answer (one timeout) is answered by this instance's share (./limiter-fallback.ts),
//   but is not an outage; a lost connection, or three timeouts in a row, is;
// - during an outage every call gets that share, or is refused (redisDown: "refuse"); it is
//   logged once, a probe PINGs Redis every second, and once Redis answers, what this instance
//   admitted meanwhile is added to the shared counts before they are used again.
import { createHash, randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { FallbackCounters } from "./limiter-fallback";
import type { RefusedBy, TakeResult } from "./types";

// KEYS[1]: one key's counters for one window, a hash {r = requests, t = tokens, and per instance
// r:<id>, t:<id>, what it admitted}. ARGV: rpm (-1 = none), tpm (-1 = none), estimated tokens,
// time to live in ms, instance id.
// Returns {allowed 0|1, refused 0|1 requests|2 tokens, requests, tokens}. Same rule as refusal().
const TAKE = script(`
local rpm, tpm, est = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local c = redis.call('HMGET', KEYS[1], 'r', 't')
local r, t = tonumber(c[1]) or 0, tonumber(c[2]) or 0
local refused = 0
if tpm >= 0 and est > tpm then refused = 2
elseif rpm >= 0 and r >= rpm then refused = 1
elseif tpm >= 0 and (t >= tpm or t + est > tpm) then refused = 2 end
if refused > 0 then return {0, refused, r, t} end
r = redis.call('HINCRBY', KEYS[1], 'r', 1)
redis.call('HINCRBY', KEYS[1], 'r:' .. ARGV[5], 1)
if est > 0 then
  t = redis.call('HINCRBY', KEYS[1], 't', est)
  redis.call('HINCRBY', KEYS[1], 't:' .. ARGV[5], est)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {1, 0, r, t}
`);

// KEYS[1] as above; ARGV[1]: token delta. An expired window is left alone (INCRBY would recreate
// it without a TTL); the count never goes below 0.
const ADJUST = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local t = redis.call('HINCRBY', KEYS[1], 't', ARGV[1])
if t < 0 then redis.call('HSET', KEYS[1], 't', 0) end
return 1
`);

// KEYS[1]: one key's counters for one window. ARGV: instance id, all it admitted this window
// (through Redis and alone), ttl. Adds what Redis does not hold of it: only the outage's counts
// when Redis kept its data, everything when a restart lost it; never one request twice.
const MERGE = script(`
for _, f in ipairs({'r', 't'}) do
  local mine = f .. ':' .. ARGV[1]
  local held = tonumber(redis.call('HGET', KEYS[1], mine)) or 0
  local add = tonumber(ARGV[f == 'r' and 2 or 3]) - held
  if add > 0 then
    redis.call('HINCRBY', KEYS[1], f, add)
    redis.call('HINCRBY', KEYS[1], mine, add)
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1
`);

// KEYS[1]: a sorted set of instance ids by their last beat. ARGV: now, id, oldest beat alive, ttl.
const HEARTBEAT = script(`
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return redis.call('ZCARD', KEYS[1])
`);

/** Timeouts in a row that make a slow Redis an outage. */
const TIMEOUTS_FOR_OUTAGE = 3;

function script(source: string) {
  return { source: source.trim(), sha: createHash("sha1").update(source.trim()).digest("hex") };
}

type Mode = "connecting" | "up" | "down" | "closed";

export interface RedisCountersOptions {
  url: string;
  keyPrefix: string;
  windowMs: number;
  /** The current window (the limiter's clock). */
  window: () => number;
  log: (msg: string) => void;
  /** Longest a limiter call waits on Redis before answering from this instance's share. */
  timeoutMs: number;
  /** How often an unhealthy limiter PINGs Redis. */
  probeIntervalMs: number;
  /** How often this instance says it is alive; an instance silent for three beats is not counted. */
  heartbeatIntervalMs: number;
  /** While Redis is away: admit this instance's share of each limit, or refuse limited keys. */
  whenDown: "share" | "refuse";
}

export class RedisCounters {
  private mode: Mode = "connecting";
  private readonly client: Redis;
  private readonly ready: Promise<void>;
  private probeTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private probing = false;
  private timeoutsInRow = 0;
  private readonly fallback = new FallbackCounters();
  private readonly instanceId = randomUUID();
  /** Instances alive at the last heartbeat, this one included. */
  private instances = 1;

  constructor(private readonly opts: RedisCountersOptions) {
    this.client = new Redis(opts.url, {
      // Fail fast instead of queueing: a request must not wait for a reconnect.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.timeoutMs,
      connectTimeout: Math.max(opts.timeoutMs, 2_000),
      // ioredis reconnects by itself, forever; cap the backoff so recovery is seen within ~2 s.
      retryStrategy: (times) => Math.min(times * 100, 1_000),
    });
    let resolveReady!: () => void;
    this.ready = new Promise((resolve) => (resolveReady = resolve));
    this.client.on("ready", () => {
      resolveReady();
      if (this.mode === "connecting") this.mode = "up";
      else if (this.mode === "down") void this.probe();
      void this.heartbeat();
    });
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), opts.heartbeatIntervalMs);
    this.heartbeatTimer.unref();
    // Without a listener ioredis prints every reconnect failure; the outage is logged once instead.
    this.client.on("error", (err: Error) => this.markDown(err));
    this.client.on("close", () => {
      if (this.mode === "up") this.markDown(new Error("connection closed"));
    });
  }

  status(): { healthy: boolean; mode: Mode; instances: number } {
    return { healthy: this.mode === "up", mode: this.mode, instances: this.instances };
  }

  /** This instance's answer without Redis: its share of what is left, or a refusal. */
  private alone(keyId: string, window: number, rpm: number | null, tpm: number | null, estimate: number): TakeResult {
    if (this.opts.whenDown === "refuse") {
      const refusedBy: RefusedBy = rpm !== null ? "requests" : "tokens";
      return { allowed: false, refusedBy, requests: rpm ?? 0, tokens: tpm ?? 0, backend: "memory" };
    }
    return this.fallback.take(keyId, window, rpm, tpm, estimate, this.instances);
  }

  async take(keyId: string, window: number, rpm: number | null, tpm: number | null, estimate: number): Promise<TakeResult> {
    if (this.mode === "connecting") await this.waitReady();
    if (this.mode !== "up") return this.alone(keyId, window, rpm, tpm, estimate);
    try {
      const args = [rpm ?? -1, tpm ?? -1, estimate, 2 * this.opts.windowMs, this.instanceId];
      const reply = (await this.run(TAKE, this.key(keyId, window), args)) as [number, number, number, number];
      const [allowed, refused, requests, tokens] = reply.map(Number);
      const refusedBy: RefusedBy | undefined = refused === 1 ? "requests" : refused === 2 ? "tokens" : undefined;
      this.timeoutsInRow = 0;
      this.fallback.observe(keyId, window, requests, tokens, allowed === 1, estimate);
      return { allowed: allowed === 1, refusedBy, requests, tokens, backend: "redis" };
    } catch (err) {
      // A slow answer is not an outage: only a lost connection, or timeouts in a row, are.
      const timedOut = err instanceof Error && /timed out/i.test(err.message);
      if (!timedOut || ++this.timeoutsInRow >= TIMEOUTS_FOR_OUTAGE) this.markDown(err);
      return this.alone(keyId, window, rpm, tpm, estimate);
    }
  }

  /** A reservation counted in this instance's share (Redis was away when it was made). */
  adjustLocal(keyId: string, window: number, delta: number): void {
    this.fallback.adjust(keyId, window, delta);
  }

  async adjust(keyId: string, window: number, delta: number): Promise<void> {
    // A reservation made in Redis can only be settled there; during an outage it is dropped.
    if (this.mode !== "up") return;
    try {
      await this.run(ADJUST, this.key(keyId, window), [delta]);
    } catch (err) {
      this.markDown(err);
    }
  }

  async close(): Promise<void> {
    this.mode = "closed";
    this.stopProbe();
    clearInterval(this.heartbeatTimer);
    this.fallback.clear();
    if (this.client.status === "ready") {
      await Promise.race([this.client.quit().catch(() => undefined), sleep(this.opts.timeoutMs)]);
    }
    this.client.disconnect();
  }

  private key(keyId: string, window: number): string {
    return `${this.opts.keyPrefix}${keyId}:${window}`;
  }

  private async run(s: { source: string; sha: string }, key: string, args: (string | number)[]): Promise<unknown> {
    try {
      return await this.client.evalsha(s.sha, 1, key, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith("NOSCRIPT")) throw err;
      return await this.client.eval(s.source, 1, key, ...args);
    }
  }

  private async waitReady(): Promise<void> {
    await Promise.race([this.ready, sleep(this.opts.timeoutMs)]);
    if (this.mode === "connecting") this.markDown(new Error(`not connected after ${this.opts.timeoutMs} ms`));
  }

  private markDown(err: unknown): void {
    if (this.mode === "down" || this.mode === "closed") return;
    this.mode = "down";
    const reason = err instanceof Error ? err.message : String(err);
    const rule =
      this.opts.whenDown === "refuse"
        ? "limited keys are refused"
        : `each instance admits its share of every limit (1/${this.instances} of what is left)`;
    this.opts.log(`Redis unavailable (${reason}): ${rule} until Redis returns`);
    this.probeTimer = setInterval(() => void this.probe(), this.opts.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing || this.mode !== "down") return;
    this.probing = true;
    try {
      await this.client.ping();
      if (this.mode !== "down") return;
      // What this instance admitted meanwhile is added first: the minute's spent counts stay spent.
      const local = this.fallback.local(this.opts.window());
      const ttl = 2 * this.opts.windowMs;
      await Promise.all(local.map((c) => this.run(MERGE, this.key(c.keyId, c.window), [this.instanceId, c.requests, c.tokens, ttl])));
      if (this.mode !== "down") return;
      this.mode = "up";
      this.timeoutsInRow = 0;
      this.stopProbe();
      this.fallback.clear();
      this.opts.log(`Redis is back: rate limits are shared across instances again (${local.length} keys' counts of this minute added)`);
      void this.heartbeat();
    } catch {
      // Still away; the next tick tries again.
    } finally {
      this.probing = false;
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.mode !== "up") return;
    const now = Date.now();
    const every = this.opts.heartbeatIntervalMs;
    try {
      const alive = await this.run(HEARTBEAT, `${this.opts.keyPrefix}instances`, [now, this.instanceId, now - 3 * every, 6 * every]);
      this.instances = Math.max(1, Number(alive));
    } catch {
      // The count last seen stands; an outage is the limiter calls' to notice.
    }
  }

  private stopProbe(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
