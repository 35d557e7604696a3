// What an instance may admit on its own while Redis is away, with N instances last seen alive:
// at most its 1/N of the minute's limit less what Redis already admitted for it this minute, and
// at most 1/N of what was left when Redis last answered it. The first makes N instances together
// admit at most the limit (each knows its own count exactly); the second keeps one that did the
// minute's work from counting on the others' unused share. The counts admitted here are kept
// apart, so they can be added to Redis when it returns.
import { refusal } from "./limiter-memory";
import type { TakeResult } from "./types";

interface Entry {
  window: number;
  /** The shared counts Redis last answered for this window. */
  sharedRequests: number;
  sharedTokens: number;
  /** What Redis admitted for this instance in this window. */
  ownRequests: number;
  ownTokens: number;
  /** Admitted by this instance alone since then. */
  requests: number;
  tokens: number;
}

/** All one key's counts admitted by this instance in a window (through Redis and alone), for Redis once it is back. */
export interface LocalCounts {
  keyId: string;
  window: number;
  requests: number;
  tokens: number;
}

function shareOf(limit: number | null, shared: number, own: number, instances: number): number | null {
  if (limit === null) return null;
  const n = Math.max(1, instances);
  return Math.max(0, Math.min(Math.floor(limit / n) - own, Math.floor((limit - shared) / n)));
}

export class FallbackCounters {
  // One entry per key, current window only: swept once a window.
  private readonly entries = new Map<string, Entry>();
  private sweptWindow = -Infinity;

  /** What Redis answered (and whether it admitted this instance's request): the share is cut from it. */
  observe(keyId: string, window: number, requests: number, tokens: number, admitted: boolean, estimate: number): void {
    const entry = this.entry(keyId, window);
    entry.sharedRequests = Math.max(entry.sharedRequests, requests);
    entry.sharedTokens = Math.max(entry.sharedTokens, tokens);
    if (admitted) [entry.ownRequests, entry.ownTokens] = [entry.ownRequests + 1, entry.ownTokens + estimate];
  }

  take(keyId: string, window: number, rpm: number | null, tpm: number | null, estimate: number, instances: number): TakeResult {
    const entry = this.entry(keyId, window);
    const total = () => ({ requests: entry.sharedRequests + entry.requests, tokens: entry.sharedTokens + entry.tokens });
    // An estimate beyond the key's whole tpm is refused as such, whatever the share.
    const tooLarge = tpm !== null && estimate > tpm;
    const refusedBy = tooLarge
      ? "tokens"
      : refusal(
          entry,
          shareOf(rpm, entry.sharedRequests, entry.ownRequests, instances),
          shareOf(tpm, entry.sharedTokens, entry.ownTokens, instances),
          estimate,
        );
    if (refusedBy) return { allowed: false, refusedBy, ...total(), backend: "memory" };
    entry.requests += 1;
    entry.tokens += estimate;
    return { allowed: true, ...total(), backend: "memory" };
  }

  adjust(keyId: string, window: number, delta: number): void {
    const entry = this.entries.get(keyId);
    if (entry && entry.window === window) entry.tokens = Math.max(0, entry.tokens + delta);
  }

  /** This window's counts of this instance, for Redis to take what it lacks of them. */
  local(window: number): LocalCounts[] {
    const out: LocalCounts[] = [];
    for (const [keyId, e] of this.entries) {
      const requests = e.ownRequests + e.requests;
      const tokens = e.ownTokens + e.tokens;
      if (e.window === window && (requests > 0 || tokens > 0)) out.push({ keyId, window, requests, tokens });
    }
    return out;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private entry(keyId: string, window: number): Entry {
    if (window > this.sweptWindow) {
      this.sweptWindow = window;
      for (const [id, e] of this.entries) if (e.window < window) this.entries.delete(id);
    }
    let entry = this.entries.get(keyId);
    // A clock that steps back keeps counting into the later window: conservative, never a reset.
    if (!entry || entry.window < window) {
      entry = { window, sharedRequests: 0, sharedTokens: 0, ownRequests: 0, ownTokens: 0, requests: 0, tokens: 0 };
      this.entries.set(keyId, entry);
    }
    return entry;
  }
}
