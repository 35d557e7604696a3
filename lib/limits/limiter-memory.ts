// Per-instance window counters: the limiter's backend when no Redis is configured, and its
// fallback while Redis is unreachable. Synchronous, so a check-and-count can never interleave
// with another one: exact under any concurrency on one instance.
import type { RefusedBy, TakeResult } from "./types";

interface Entry {
  window: number;
  requests: number;
  tokens: number;
}

/**
 * The one decision rule (limiter-redis.ts's Lua script repeats it; the Redis tests check that both
 * answer alike). Order matters: a request that can never fit is reported as such even when the
 * key is also out of requests, because retrying it is pointless.
 */
export function refusal(
  counts: { requests: number; tokens: number },
  rpm: number | null,
  tpm: number | null,
  estimate: number,
): RefusedBy | undefined {
  if (tpm !== null && estimate > tpm) return "tokens";
  if (rpm !== null && counts.requests >= rpm) return "requests";
  // At exactly the limit nothing remains, even for a request that estimates 0 tokens.
  if (tpm !== null && (counts.tokens >= tpm || counts.tokens + estimate > tpm)) return "tokens";
  return undefined;
}

export class MemoryCounters {
  // One entry per key: only the current window can refuse anything, so older ones are dropped.
  private readonly entries = new Map<string, Entry>();
  private sweptWindow = -Infinity;

  take(keyId: string, window: number, rpm: number | null, tpm: number | null, estimate: number): TakeResult {
    this.sweep(window);
    let entry = this.entries.get(keyId);
    // A clock that steps back keeps counting into the later window: conservative, never a reset.
    if (!entry || entry.window < window) {
      entry = { window, requests: 0, tokens: 0 };
      this.entries.set(keyId, entry);
    }
    const refusedBy = refusal(entry, rpm, tpm, estimate);
    if (refusedBy) return { allowed: false, refusedBy, requests: entry.requests, tokens: entry.tokens, backend: "memory" };
    entry.requests += 1;
    entry.tokens += estimate;
    return { allowed: true, requests: entry.requests, tokens: entry.tokens, backend: "memory" };
  }

  /**
   * Raises a key's counts to what Redis answered, so a fallback after a Redis timeout carries on
   * from the shared count instead of starting the minute over (a fresh count would let a whole
   * extra minute's allowance through).
   */
  observe(keyId: string, window: number, requests: number, tokens: number): void {
    this.sweep(window);
    const entry = this.entries.get(keyId);
    if (!entry || entry.window < window) this.entries.set(keyId, { window, requests, tokens });
    else if (entry.window === window) {
      entry.requests = Math.max(entry.requests, requests);
      entry.tokens = Math.max(entry.tokens, tokens);
    }
  }

  /** Moves a key's token count in `window` by `delta`; a no-op once that window is gone. */
  adjust(keyId: string, window: number, delta: number): void {
    const entry = this.entries.get(keyId);
    if (entry && entry.window === window) entry.tokens = Math.max(0, entry.tokens + delta);
  }

  clear(): void {
    this.entries.clear();
  }

  /** Keys currently held (for tests: memory stays bounded by the keys active in one window). */
  get size(): number {
    return this.entries.size;
  }

  // Once per window, drop every key whose window has passed: O(keys) once a minute.
  private sweep(window: number): void {
    if (window <= this.sweptWindow) return;
    this.sweptWindow = window;
    for (const [keyId, entry] of this.entries) if (entry.window < window) this.entries.delete(keyId);
  }
}
