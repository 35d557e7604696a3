// Shared window counters in Redis, for several gateway instances behind one load balancer.
// One Lua script checks and counts both limits atomically (EVALSHA, EVAL when the server answers
// NOSCRIPT, e.g. after a restart or SCRIPT FLUSH). Redis trouble never reaches the caller: the
// call is answered from the per-instance MemoryCounters, the outage is logged once, a probe
// PINGs Redis every second, and the first answer switches back (logged once too).
import { createHash } from "node:crypto";
import { Redis } from "ioredis";
import type { MemoryCounters } from "./limiter-memory";
import type { RefusedBy, TakeResult } from "./types";

// KEYS[1]: one key's counters for one window, a hash {r = requests, t = tokens}.
// ARGV: rpm (-1 = none), tpm (-1 = none), estimated tokens, time to live in ms.
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
if est > 0 then t = redis.call('HINCRBY', KEYS[1], 't', est) end
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

function script(source: string) {
  return { source: source.trim(), sha: createHash("sha1").update(source.trim()).digest("hex") };
}

type Mode = "connecting" | "up" | "down" | "closed";

export interface RedisCountersOptions {
  url: string;
  keyPrefix: string;
  windowMs: number;
  /** Answers while Redis is away. */
  memory: MemoryCounters;
  log: (msg: string) => void;
  /** Longest a limiter call waits on Redis before answering from memory. */
  timeoutMs: number;
  /** How often an unhealthy limiter PINGs Redis. */
  probeIntervalMs: number;
}

export class RedisCounters {
  private mode: Mode = "connecting";
  private readonly client: Redis;
  private readonly ready: Promise<void>;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing = false;

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
    });
    // Without a listener ioredis prints every reconnect failure; the outage is logged once instead.
    this.client.on("error", (err: Error) => this.markDown(err));
    this.client.on("close", () => {
      if (this.mode === "up") this.markDown(new Error("connection closed"));
    });
  }

  status(): { healthy: boolean; mode: Mode } {
    return { healthy: this.mode === "up", mode: this.mode };
  }

  async take(keyId: string, window: number, rpm: number | null, tpm: number | null, estimate: number): Promise<TakeResult> {
    if (this.mode === "connecting") await this.waitReady();
    if (this.mode !== "up") return this.opts.memory.take(keyId, window, rpm, tpm, estimate);
    try {
      const reply = (await this.run(TAKE, this.key(keyId, window), [rpm ?? -1, tpm ?? -1, estimate, 2 * this.opts.windowMs])) as [
        number,
        number,
        number,
        number,
      ];
      const [allowed, refused, requests, tokens] = reply.map(Number);
      const refusedBy: RefusedBy | undefined = refused === 1 ? "requests" : refused === 2 ? "tokens" : undefined;
      this.opts.memory.observe(keyId, window, requests, tokens);
      return { allowed: allowed === 1, refusedBy, requests, tokens, backend: "redis" };
    } catch (err) {
      this.markDown(err);
      return this.opts.memory.take(keyId, window, rpm, tpm, estimate);
    }
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
    this.opts.log(`Redis unavailable (${reason}): rate limits are per-instance until Redis returns`);
    this.probeTimer = setInterval(() => void this.probe(), this.opts.probeIntervalMs);
    this.probeTimer.unref();
  }

  private async probe(): Promise<void> {
    if (this.probing || this.mode !== "down") return;
    this.probing = true;
    try {
      await this.client.ping();
      if (this.mode !== "down") return;
      this.mode = "up";
      this.stopProbe();
      // Counts taken during the outage were this instance's alone; Redis holds the shared ones.
      this.opts.memory.clear();
      this.opts.log("Redis is back: rate limits are shared across instances again");
    } catch {
      // Still away; the next tick tries again.
    } finally {
      this.probing = false;
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
