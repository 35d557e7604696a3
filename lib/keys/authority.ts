import type { KeyChanges, KeyRecord } from "@/db/queries/keys";
import { AppError } from "@/lib/errors";
import { keyStatus } from "./views";

// Who may change what. A gateway key managing keys may only touch and hand out keys at most as
// powerful as itself, in every dimension: otherwise a restricted key could mint or edit its way out
// of its own policy. And a key on its way out (rolled, expired) never gets a later expiry, whoever asks.

/** What a key can do, the fields compared; a KeyRecord is one, so is a key about to be made. */
export interface Grant {
  environment: "live" | "test";
  permissions: readonly string[];
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlyBudgetUsd: number | null;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
  expiresAt: Date | null;
}

/** How a grant goes beyond the acting key: the field (as the API names it) and the phrase after "Cannot grant". */
interface Excess {
  param: string;
  grant: string;
}

const LIMITS = [
  ["requestsPerMinute", "requests_per_minute"],
  ["tokensPerMinute", "tokens_per_minute"],
  ["monthlyBudgetUsd", "monthly_budget_usd"],
] as const;

const list = (xs: readonly string[]) => xs.join(", ");

/** An allow-list entry `entry` (exact, or prefix `p*`) lets through nothing that `own` does not. */
function modelCovered(entry: string, own: string): boolean {
  if (!own.endsWith("*")) return entry === own;
  const base = entry.endsWith("*") ? entry.slice(0, -1) : entry;
  return base.startsWith(own.slice(0, -1));
}

/** The first dimension in which `target` can do more than `actor`, or null when it cannot. */
function excess(actor: Grant, target: Grant): Excess | null {
  const beyond = target.permissions.filter((p) => !actor.permissions.includes(p));
  if (beyond.length) return { param: "permissions", grant: `permissions this API key does not hold: ${list(beyond)}` };
  if (actor.environment === "test" && target.environment !== "test") {
    return { param: "environment", grant: "live keys: this is a test API key; send environment 'test'" };
  }
  for (const [column, field] of LIMITS) {
    const own = actor[column];
    const theirs = target[column];
    if (own === null) continue;
    if (theirs === null) return { param: `limits.${field}`, grant: `no limits.${field}: this API key has one (${own})` };
    if (theirs > own) return { param: `limits.${field}`, grant: `limits.${field} above this API key's own (${own})` };
  }
  if (actor.allowedProviders) {
    const own = actor.allowedProviders;
    if (!target.allowedProviders) {
      return { param: "allowed_providers", grant: `every provider: this API key may use only ${list(own)}` };
    }
    const extra = target.allowedProviders.filter((p) => !own.includes(p));
    if (extra.length) return { param: "allowed_providers", grant: `providers this API key may not use: ${list(extra)}` };
  }
  if (actor.allowedModels) {
    const own = actor.allowedModels;
    if (!target.allowedModels) return { param: "allowed_models", grant: `every model: this API key may use only ${list(own)}` };
    const extra = target.allowedModels.filter((m) => !own.some((o) => modelCovered(m, o)));
    if (extra.length) return { param: "allowed_models", grant: `models this API key may not use: ${list(extra)}` };
  }
  if (actor.expiresAt) {
    const own = actor.expiresAt.toISOString();
    if (!target.expiresAt) return { param: "expires_at", grant: `a key that never expires: this API key expires at ${own}` };
    if (target.expiresAt > actor.expiresAt) return { param: "expires_at", grant: `an expiry later than this API key's own (${own})` };
  }
  return null;
}

/** Refuses to hand out (create, or change a key into) anything beyond the acting key. */
export function assertCanGrant(actor: Grant, target: Grant): void {
  const found = excess(actor, target);
  if (found) throw new AppError("forbidden", `Cannot grant ${found.grant}.`, { param: found.param });
}

/**
 * Refuses to change, roll, revoke, disable or enable a key more powerful than the acting one. Only a key that may
 * read keys is told in which field: the answer must not describe a key the caller cannot read.
 */
export function assertCanTouch(
  actor: Grant,
  target: Grant,
  verb: "change" | "roll" | "revoke" | "disable" | "enable",
  canRead: boolean,
): void {
  const found = excess(actor, target);
  if (!found) return;
  const message = `Cannot ${verb} this key: it can do more than this API key`;
  if (!canRead) throw new AppError("forbidden", `${message}.`);
  throw new AppError("forbidden", `${message} (${found.param}).`, { param: found.param });
}

/** A key may rename itself (a label grants nothing), never change its own permissions or policy. */
export function assertNotOwnPolicy(actor: KeyRecord, targetId: string, changed: readonly string[]): void {
  if (actor.id !== targetId) return;
  const policy = changed.filter((f) => f !== "name");
  if (policy.length) {
    throw new AppError("forbidden", "An API key cannot change its own permissions or policy; use a session or another key.", {
      param: policy[0],
    });
  }
}

/** The refusal when a key on its way out would live longer; db/queries/keys.ts holds the same line. */
export function expiryOnlyEarlier(leaving: "rolled" | "expired"): AppError {
  return new AppError("conflict", `This key has ${leaving === "rolled" ? "been rolled" : "expired"}; its expiry can only move earlier.`, {
    param: "expires_at",
  });
}

/** A rolled or expired key is on its way out, whoever asks: its expiry may move earlier, never away. */
export function assertExpiryOnlyEarlier(current: KeyRecord, changes: KeyChanges): void {
  if (changes.expiresAt === undefined) return;
  const leaving = current.replacedBy ? "rolled" : keyStatus(current) === "expired" ? "expired" : null;
  if (!leaving) return;
  const to = changes.expiresAt;
  if (to === null || (current.expiresAt && to > current.expiresAt)) throw expiryOnlyEarlier(leaving);
}
