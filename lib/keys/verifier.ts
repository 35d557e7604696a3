import { hash } from "node:crypto";
import { getKeyForVerification } from "@/db/queries/keys";
import type { ApiKeyRow } from "@/db/schema";
import { getEnv } from "@/lib/env";
import { parseKey, type KeyEnvironment } from "./format";
import { compareKey } from "./hash";
import { policyOf, type KeyPolicy } from "./policy";

// bcrypt costs ~100 ms of CPU, so it must never sit on the per-request path.
// Verified keys (and failures) are cached by a SHA-256 digest of the full key for
// KEY_CACHE_TTL_MS; concurrent cold lookups of one key share a single bcrypt; a
// revocation on this instance drops the key's entries at once. The cache never
// holds a key in plain text.

export interface VerifiedKey {
  id: string;
  ownerId: string;
  name: string;
  environment: KeyEnvironment;
  permissions: string[];
  expiresAt: number | null;
  policy: KeyPolicy;
}

export type Verification =
  | { ok: true; key: VerifiedKey }
  | { ok: false; reason: "malformed" | "invalid" | "revoked" | "expired" };

interface Entry {
  result: Verification;
  until: number;
}

const MAX_ENTRIES = 50_000;

interface State {
  entries: Map<string, Entry>;
  digestsById: Map<string, Set<string>>;
  inflight: Map<string, Promise<Verification>>;
  lookups: number;
  bcryptCompares: number;
  /** Tells the other instances (lib/limits/runtime.ts, with Redis). */
  broadcast: ((id: string) => void) | null;
  /** Bumped by every forget; a cold lookup that a forget overtook is not cached. */
  epoch: number;
  forgottenAt: Map<string, number>;
}

// Shared on globalThis: server.ts and Next's bundled handlers run in one process
// and a revocation from the dashboard must clear the cache the proxy reads.
const slot = Symbol.for("neuronedge.keyVerifier");
const state: State = ((globalThis as Record<symbol, State>)[slot] ??= {
  entries: new Map(),
  digestsById: new Map(),
  inflight: new Map(),
  lookups: 0,
  bcryptCompares: 0,
  broadcast: null,
  epoch: 0,
  forgottenAt: new Map(),
});

function digestOf(key: string): string {
  return hash("sha256", key, "base64url"); // one-shot: a third of createHash's cost
}

function toVerified(row: Omit<ApiKeyRow, "keyHash">): VerifiedKey {
  return {
    id: row.id,
    ownerId: row.ownerId,
    name: row.name,
    environment: row.environment,
    permissions: row.permissions,
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    policy: policyOf(row),
  };
}

function remember(digest: string, id: string | null, result: Verification): void {
  if (state.entries.size >= MAX_ENTRIES) {
    // Oldest first: Map keeps insertion order.
    const oldest = state.entries.keys().next().value;
    if (oldest !== undefined) state.entries.delete(oldest);
  }
  state.entries.delete(digest);
  state.entries.set(digest, { result, until: Date.now() + getEnv().KEY_CACHE_TTL_MS });
  if (id) {
    let set = state.digestsById.get(id);
    if (!set) state.digestsById.set(id, (set = new Set()));
    set.add(digest);
  }
}

// Expiry is checked on every use, so a cached key still stops at its expiry time.
function withExpiry(result: Verification, now: number): Verification {
  if (result.ok && result.key.expiresAt !== null && result.key.expiresAt <= now) {
    return { ok: false, reason: "expired" };
  }
  return result;
}

async function verifyCold(key: string, id: string): Promise<Verification> {
  state.lookups++;
  const row = await getKeyForVerification({ id });
  if (!row) return { ok: false, reason: "invalid" };
  state.bcryptCompares++;
  if (!(await compareKey(key, row.keyHash))) return { ok: false, reason: "invalid" };
  if (row.revokedAt) return { ok: false, reason: "revoked" };
  return { ok: true, key: toVerified(row) };
}

export async function verifyKey(key: string): Promise<Verification> {
  // The cache first: only well-formed keys are ever in it, so a hit needs no parse (its regex and
  // checksum cost ~20 µs a request on a CPU that was idle, as between a model's chunks).
  const now = Date.now();
  const digest = digestOf(key);
  const hit = state.entries.get(digest);
  if (hit && hit.until > now) return withExpiry(hit.result, now);

  const parsed = parseKey(key);
  // A typo or a random string never reaches the database or bcrypt.
  if (!parsed) return { ok: false, reason: "malformed" };

  let pending = state.inflight.get(digest);
  if (!pending) {
    const startedAt = state.epoch;
    pending = verifyCold(key, parsed.id)
      .then((result) => {
        // Revoked or changed while we read it: answer this once, but do not keep it.
        if ((state.forgottenAt.get(parsed.id) ?? -1) <= startedAt) remember(digest, parsed.id, result);
        return result;
      })
      .finally(() => state.inflight.delete(digest));
    state.inflight.set(digest, pending);
  }
  return withExpiry(await pending, Date.now());
}

/** A key just created is known to be good: no bcrypt on its first use. */
export function rememberNewKey(key: string, row: Omit<ApiKeyRow, "keyHash">): void {
  remember(digestOf(key), row.id, { ok: true, key: toVerified(row) });
}

/** Drops every cached verification of the key (revocation, policy change). */
export function forgetKey(id: string): void {
  state.forgottenAt.set(id, ++state.epoch);
  if (state.forgottenAt.size > MAX_ENTRIES) state.forgottenAt.delete(state.forgottenAt.keys().next().value!);
  const digests = state.digestsById.get(id);
  if (!digests) return;
  for (const d of digests) state.entries.delete(d);
  state.digestsById.delete(id);
}

/** A key was revoked, rolled or re-configured: forget it here and on every other instance. */
export function keyChanged(id: string): void {
  forgetKey(id);
  state.broadcast?.(id);
}

export function setKeyChangeBroadcast(fn: ((id: string) => void) | null): void {
  state.broadcast = fn;
}

/** Counters for tests and the health page: database lookups and bcrypt comparisons so far. */
export function verifierStats(): { lookups: number; bcryptCompares: number; cached: number } {
  return { lookups: state.lookups, bcryptCompares: state.bcryptCompares, cached: state.entries.size };
}

export function clearVerifierCache(): void {
  state.entries.clear();
  state.digestsById.clear();
}
