import { hash } from "node:crypto";
import { getKeyForVerification } from "@/db/queries/keys";
import type { ApiKeyRow } from "@/db/schema";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { processSingleton } from "@/lib/singleton";
import { parseKey, type KeyEnvironment } from "./format";
import { changeFeedCovers, startKeyChangeFeed } from "./change-feed";
import { bcryptThreadCount, compareKey } from "./hash";
import { policyOf, type KeyPolicy } from "./policy";
import { FairQueue } from "./verify-queue";

// bcrypt costs ~100 ms of CPU, so it runs once per key per process, never per request:
// - a key that verified is remembered by a SHA-256 digest of the full key (never the key
//   itself); a change to any key (./change-feed.ts, one read for all keys) marks it stale, and
//   only when those reads fail is its row read again every KEY_CACHE_TTL_MS, without bcrypt;
//   while the database is away the verified key keeps being served;
// - a disabled key is remembered like a verified one, answered "disabled", so that enabling it
//   needs only that re-read, and its requests cost no bcrypt meanwhile;
// - failures are remembered apart from verified keys, so a flood of forged keys cannot evict
//   them, and failed secrets per key id are counted: past a few, that id is refused for a while;
// - cold verifications wait in a bounded queue, served round-robin across key ids.

export interface VerifiedKey {
  id: string;
  ownerId: string;
  name: string;
  environment: KeyEnvironment;
  permissions: string[];
  expiresAt: number | null;
  policy: KeyPolicy;
}

type Refusal = "malformed" | "invalid" | "revoked" | "expired" | "disabled";
export type Verification = { ok: true; key: VerifiedKey } | { ok: false; reason: Refusal };

type Failure = Extract<Verification, { ok: false }>;

interface Verified {
  id: string;
  result: { ok: true; key: VerifiedKey };
  /** The row had disabled_at set: the secret is right, and the key is refused until enabled. */
  disabled: boolean;
  /** The stored hash this key was checked against (null: not yet read): a refresh that finds another starts over. */
  keyHash: string | null;
  checkedAt: number;
  refreshing: Promise<void> | null;
  /** After a failed refresh (database away), the stale answer stands until then. */
  retryAt: number;
  /** The key changed (revoked, new policy): every request waits for the re-read, none gets the old answer. */
  changed: boolean;
}

const limits = {
  verified: 50_000,
  failures: 50_000,
  idsCounted: 50_000,
  /** Failed secrets per key id in FAILURE_WINDOW_MS before that id is refused without bcrypt. */
  idFailures: 10,
  perIdQueued: 4,
};
const FAILURE_TTL_MS = 15 * 60_000;
const FAILURE_WINDOW_MS = 60_000;
/** How long a request waits for a refresh before the verified answer it had is used. */
const REFRESH_WAIT_MS = 1_000;
const REFRESH_RETRY_MS = 1_000;

const state = processSingleton("keyVerifier", () => ({
  verified: new Map<string, Verified>(),
  digestsById: new Map<string, Set<string>>(),
  failures: new Map<string, { result: Failure; until: number }>(),
  failedById: new Map<string, { count: number; since: number }>(),
  inflight: new Map<string, Promise<Verification>>(),
  queue: new FairQueue(() => ({
    concurrency: bcryptThreadCount(),
    maxTotal: getEnv().KEY_VERIFY_QUEUE_MAX,
    maxPerId: limits.perIdQueued,
  })),
  lookups: 0,
  bcryptCompares: 0,
  /** Tells the other instances (lib/limits/runtime.ts, with Redis). */
  broadcast: null as ((id: string) => void) | null,
  /** Bumped by every forget; an answer read before a forget is kept only as stale. */
  epoch: 0,
  forgottenAt: new Map<string, number>(),
}));

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

/** Map order is insertion order: the first entry is the oldest. */
function capped<K, V>(map: Map<K, V>, max: number, onEvict?: (key: K, value: V) => void): void {
  while (map.size > max) {
    const [k, v] = map.entries().next().value!;
    map.delete(k);
    onEvict?.(k, v);
  }
}

function unindex(digest: string, id: string): void {
  const set = state.digestsById.get(id);
  set?.delete(digest);
  if (set?.size === 0) state.digestsById.delete(id);
}

function rememberVerified(digest: string, row: Omit<ApiKeyRow, "keyHash">, keyHash: string | null, fresh: boolean): void {
  const old = state.verified.get(digest);
  if (old) state.verified.delete(digest);
  state.verified.set(digest, {
    id: row.id,
    result: { ok: true, key: toVerified(row) },
    disabled: row.disabledAt !== null,
    keyHash,
    checkedAt: fresh ? Date.now() : -Infinity,
    refreshing: null,
    retryAt: 0,
    changed: false,
  });
  let set = state.digestsById.get(row.id);
  if (!set) state.digestsById.set(row.id, (set = new Set()));
  set.add(digest);
  capped(state.verified, limits.verified, (d, v) => unindex(d, v.id));
}

function rememberFailure(digest: string, result: Failure): Failure {
  state.failures.delete(digest);
  state.failures.set(digest, { result, until: Date.now() + Math.max(FAILURE_TTL_MS, getEnv().KEY_CACHE_TTL_MS) });
  capped(state.failures, limits.failures);
  return result;
}

function forgetVerified(digest: string, id: string): void {
  state.verified.delete(digest);
  unindex(digest, id);
}

// Expiry is checked on every use, so a cached key still stops at its expiry time; it outranks disabled.
function withExpiry(result: Verification, now: number, disabled = false): Verification {
  if (result.ok && result.key.expiresAt !== null && result.key.expiresAt <= now) {
    return { ok: false, reason: "expired" };
  }
  return result.ok && disabled ? { ok: false, reason: "disabled" } : result;
}

const answerOf = (entry: Verified, now: number) => withExpiry(entry.result, now, entry.disabled);

/** Too many wrong secrets for this id lately: refuse without bcrypt until the window passes. */
function assertIdNotThrottled(id: string, now: number): void {
  const f = state.failedById.get(id);
  if (!f || f.count < limits.idFailures) return;
  const left = f.since + FAILURE_WINDOW_MS - now;
  if (left <= 0) return void state.failedById.delete(id);
  throw new AppError("rate_limited", "Too many failed attempts with this API key id. Retry later.", {
    headers: { "retry-after": String(Math.ceil(left / 1000)) },
  });
}

function countFailure(id: string, now: number): void {
  const f = state.failedById.get(id);
  state.failedById.delete(id);
  if (!f || now - f.since >= FAILURE_WINDOW_MS) state.failedById.set(id, { count: 1, since: now });
  else state.failedById.set(id, { count: f.count + 1, since: f.since });
  capped(state.failedById, limits.idsCounted);
}

async function verifyCold(key: string, id: string, digest: string): Promise<Verification> {
  assertIdNotThrottled(id, Date.now());
  const startedAt = state.epoch;
  state.lookups++;
  const row = await getKeyForVerification({ id });
  if (!row) return rememberFailure(digest, { ok: false, reason: "invalid" });
  const matches = await state.queue.run(id, async () => {
    // Again at the front of the queue: failures counted while this one waited may have closed the id.
    assertIdNotThrottled(id, Date.now());
    state.bcryptCompares++;
    const ok = await compareKey(key, row.keyHash);
    // Counted before the queue starts the next job, which must already see it.
    if (!ok) countFailure(id, Date.now());
    return ok;
  });
  if (!matches) return rememberFailure(digest, { ok: false, reason: "invalid" });
  if (row.revokedAt) return rememberFailure(digest, { ok: false, reason: "revoked" });
  // Changed while we read it: answer this once, and read the row again on the next use.
  rememberVerified(digest, row, row.keyHash, (state.forgottenAt.get(id) ?? -1) <= startedAt);
  return withExpiry({ ok: true, key: toVerified(row) }, Date.now(), row.disabledAt !== null);
}

/** Reads the row again, no bcrypt: revoked, disabled, expiry, policy. A database error keeps what we had. */
function refresh(digest: string, entry: Verified): Promise<void> {
  const startedAt = state.epoch;
  state.lookups++;
  entry.refreshing = getKeyForVerification({ id: entry.id })
    .then((row) => {
      if (state.verified.get(digest) !== entry) return;
      entry.keyHash ??= row?.keyHash ?? null;
      if (!row || row.keyHash !== entry.keyHash) return void forgetVerified(digest, entry.id);
      if (row.revokedAt) {
        forgetVerified(digest, entry.id);
        rememberFailure(digest, { ok: false, reason: "revoked" });
        return;
      }
      entry.result = { ok: true, key: toVerified(row) };
      entry.disabled = row.disabledAt !== null;
      if ((state.forgottenAt.get(entry.id) ?? -1) <= startedAt) [entry.checkedAt, entry.changed] = [Date.now(), false];
    })
    .catch(() => {
      entry.retryAt = Date.now() + REFRESH_RETRY_MS;
    })
    .finally(() => {
      entry.refreshing = null;
    });
  return entry.refreshing;
}

async function answerVerified(key: string, digest: string, entry: Verified): Promise<Verification> {
  // Past its TTL, one request waits for the re-read and the rest keep the answer they had; after
  // a change, all of them wait (a revoked key or a new limit must hold from the next request on).
  // Twice at most: a change that lands during a re-read needs one more.
  for (let round = 0; round < 2; round++) {
    const starts = !entry.refreshing && Date.now() >= entry.retryAt;
    if (starts) void refresh(digest, entry);
    if (!entry.refreshing || !(starts || entry.changed)) break;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<boolean>((r) => (timer = setTimeout(r, REFRESH_WAIT_MS, false)));
    const done = await Promise.race([entry.refreshing.then(() => true), waited]);
    clearTimeout(timer);
    if (!done || !entry.changed || state.verified.get(digest) !== entry) break;
  }
  // Refreshed, or the database is slow or away: the latest answer we hold for this digest.
  const current = state.verified.get(digest);
  if (current) return answerOf(current, Date.now());
  const failed = state.failures.get(digest);
  return failed ? failed.result : verifyKey(key); // the row's hash changed: verify afresh
}

export async function verifyKey(key: string): Promise<Verification> {
  // Verified keys first: a hit needs no parse (its regex and checksum cost more than the lookup).
  const now = Date.now();
  const digest = digestOf(key);
  const hit = state.verified.get(digest);
  startKeyChangeFeed(forgetKey);
  if (hit) {
    if (now - hit.checkedAt < getEnv().KEY_CACHE_TTL_MS || (hit.checkedAt > 0 && !hit.changed && changeFeedCovers(now)))
      return answerOf(hit, now);
    if (!hit.changed && (hit.refreshing || now < hit.retryAt)) return answerOf(hit, now);
    return answerVerified(key, digest, hit);
  }
  const failed = state.failures.get(digest);
  if (failed && failed.until > now) return failed.result;

  const parsed = parseKey(key);
  // A typo or a random string never reaches the database or bcrypt.
  if (!parsed) return { ok: false, reason: "malformed" };

  let pending = state.inflight.get(digest);
  if (!pending) {
    pending = verifyCold(key, parsed.id, digest).finally(() => state.inflight.delete(digest));
    state.inflight.set(digest, pending);
  }
  return withExpiry(await pending, Date.now());
}

/** A key just created is known to be good: no bcrypt on its first use. */
export function rememberNewKey(key: string, row: Omit<ApiKeyRow, "keyHash">): void {
  const digest = digestOf(key);
  state.failures.delete(digest);
  rememberVerified(digest, row, null, true);
}

/** Marks every verification of the key stale (revocation, disabling, enabling, policy change): its next use re-reads the row. */
export function forgetKey(id: string): void {
  state.forgottenAt.set(id, ++state.epoch);
  capped(state.forgottenAt, limits.verified);
  for (const d of state.digestsById.get(id) ?? []) {
    const entry = state.verified.get(d);
    if (entry) [entry.checkedAt, entry.retryAt, entry.changed] = [-Infinity, 0, true];
  }
}

/** A key was revoked, disabled, enabled, rolled or re-configured: forget it here and on every other instance. */
export function keyChanged(id: string): void {
  forgetKey(id);
  state.broadcast?.(id);
}

export function setKeyChangeBroadcast(fn: ((id: string) => void) | null): void {
  state.broadcast = fn;
}

/** Counters and sizes for tests and the health page. */
export function verifierStats() {
  return {
    lookups: state.lookups,
    bcryptCompares: state.bcryptCompares,
    cached: state.verified.size,
    failures: state.failures.size,
    indexedIds: state.digestsById.size,
    countedIds: state.failedById.size,
    queued: state.queue.size,
    inflight: state.inflight.size,
  };
}

export function clearVerifierCache(): void {
  state.verified.clear();
  state.digestsById.clear();
  state.failures.clear();
  state.failedById.clear();
}

/** Tests shrink the caches to show their bounds without millions of requests. */
export function verifierLimits(next: Partial<typeof limits> = {}): typeof limits {
  return Object.assign(limits, next);
}
