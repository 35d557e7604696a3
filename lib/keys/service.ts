import type { z } from "zod";
import { insertAuditEvent, listAuditEvents, type AuditEvent } from "@/db/queries/audit";
import { getKey, insertKey, listKeys, revokeKey, rollKey, updateKey, type KeyChanges, type KeyRecord } from "@/db/queries/keys";
import type { Caller } from "@/lib/auth/caller";
import { DEFAULT_PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { assertCanGrant, assertCanTouch, assertExpiryOnlyEarlier, assertNotOwnPolicy, expiryOnlyEarlier, type Grant } from "./authority";
import { generateKey } from "./format";
import { hashKey } from "./hash";
import type { createKeyInput, rollKeyInput, updateKeyInput } from "./inputs";
import { policyColumns, serializePolicy } from "./policy";
import { keyChanged, rememberNewKey } from "./verifier";
import { changedView, diff, keyStatus, rolledView, serializeKey } from "./views";

// Key lifecycle: create (shown once), list, read, update, revoke, roll; each change audited.
// Disable and enable are in ./disable.ts, with the helpers exported here.

export { createKeyInput, MAX_GRACE_SECONDS, rollKeyInput, updateKeyInput } from "./inputs";
export { keyStatus, serializeKey, type KeyStatus, type KeyView } from "./views";

/** No caller hands out permissions it does not hold itself. */
function assertHoldsPermissions(caller: Caller, permissions: readonly string[]): void {
  const beyond = permissions.filter((p) => !caller.permissions.includes(p as Permission));
  if (beyond.length) {
    throw new AppError("forbidden", `Cannot grant permissions you do not hold: ${beyond.join(", ")}.`, {
      param: "permissions",
    });
  }
}

/**
 * The acting key's own record, read afresh (the verifier's copy may lag a change), or null for
 * sessions and local mode, which keep full power over their owner's keys.
 */
export async function actingKey(caller: Caller): Promise<KeyRecord | null> {
  if (caller.via !== "key") return null;
  const row = await getKey({ ownerId: caller.ownerId, id: caller.actorId });
  if (!row || keyStatus(row) !== "active") throw new AppError("unauthorized", "This API key is no longer valid.");
  return row;
}

export const canRead = (caller: Caller) => caller.permissions.includes("keys:read");

export function audit(caller: Caller, action: string, keyId: string, details: Record<string, unknown>): Promise<void> {
  return insertAuditEvent({
    event: {
      ownerId: caller.ownerId,
      actorId: caller.actorId,
      actorRole: caller.role ?? null,
      action,
      keyId,
      details,
      ip: caller.ip ?? null,
    },
  });
}

/** Generates and stores a key; the caller shows `key` once. */
async function mint(caller: Caller, row: Omit<NewKey, "id" | "prefix" | "keyHash" | "ownerId" | "createdBy">) {
  const generated = generateKey(row.environment);
  const full = {
    ...row,
    id: generated.id,
    ownerId: caller.ownerId,
    environment: generated.environment,
    prefix: generated.prefix,
    keyHash: await hashKey(generated.key),
    createdBy: caller.actorId,
  };
  return { generated, full };
}

type NewKey = Parameters<typeof insertKey>[0]["row"];

/** A new key's policy where the body leaves a field out. */
const UNRESTRICTED = {
  requestsPerMinute: null,
  tokensPerMinute: null,
  monthlyBudgetUsd: null,
  allowedProviders: null,
  allowedModels: null,
  expiresAt: null,
} satisfies Partial<Grant>;

export async function createKey(caller: Caller, input: z.infer<typeof createKeyInput>) {
  const permissions: Permission[] = input.permissions ? [...new Set(input.permissions)] : DEFAULT_PERMISSIONS;
  assertHoldsPermissions(caller, permissions);
  const policy = policyColumns(input);
  const actor = await actingKey(caller);
  if (actor) assertCanGrant(actor, { ...UNRESTRICTED, ...policy, environment: input.environment, permissions });
  const { generated, full } = await mint(caller, {
    name: input.name,
    environment: input.environment,
    permissions,
    ...policy,
  });
  const record = await insertKey({ row: full });
  rememberNewKey(generated.key, record);
  const view = serializeKey(record);
  await audit(caller, "key.create", record.id, {
    name: view.name,
    environment: view.environment,
    permissions: view.permissions,
    ...serializePolicy(record),
    expires_at: view.expires_at,
  });
  return { ...view, key: generated.key };
}

export async function listOwnerKeys(caller: Caller, includeRevoked: boolean) {
  const rows = await listKeys({ ownerId: caller.ownerId, includeRevoked });
  return rows.map(serializeKey);
}

// Another owner's key and a missing key look the same: 404, so ids are not confirmed.
export function notFound(id: string): AppError {
  return new AppError("not_found", `No API key with id '${id}'.`);
}

export async function getOwnerKey(caller: Caller, id: string) {
  const row = await getKey({ ownerId: caller.ownerId, id });
  if (!row) throw notFound(id);
  return serializeKey(row);
}

export async function updateOwnerKey(caller: Caller, id: string, input: z.infer<typeof updateKeyInput>) {
  const current = await getKey({ ownerId: caller.ownerId, id });
  if (!current) throw notFound(id);
  const actor = await actingKey(caller);
  // Before any state is told: a key may not even learn that a more powerful key is revoked.
  if (actor) assertCanTouch(actor, current, "change", canRead(caller));
  if (current.revokedAt) throw new AppError("conflict", "This key has been revoked and can no longer be changed.");
  const changes: KeyChanges = { ...policyColumns(input) };
  if (input.name !== undefined) changes.name = input.name;
  if (input.permissions) {
    assertHoldsPermissions(caller, input.permissions);
    changes.permissions = [...new Set(input.permissions)];
  }
  if (actor) {
    assertNotOwnPolicy(
      actor,
      id,
      Object.keys(input).filter((k) => input[k as keyof typeof input] !== undefined),
    );
    assertCanGrant(actor, { ...current, ...changes });
  }
  assertExpiryOnlyEarlier(current, changes);
  // An empty update is no change (and no valid SQL): answer with the key as it is.
  const row = Object.keys(changes).length ? await updateKey({ ownerId: caller.ownerId, id, changes }) : current;
  if (!row) {
    // The key exists, so the write refused: it was rolled or expired after the checks above.
    const now = changes.expiresAt !== undefined ? await getKey({ ownerId: caller.ownerId, id }) : null;
    throw now ? expiryOnlyEarlier(now.replacedBy ? "rolled" : "expired") : notFound(id);
  }
  keyChanged(id);
  const before = serializeKey(current);
  const after = serializeKey(row);
  const changed = diff(before, after);
  if (Object.keys(changed).length > 0) {
    await audit(caller, Object.keys(changed).join() === "name" ? "key.rename" : "key.update", id, changed);
  }
  return canRead(caller) ? after : changedView(after, input);
}

export async function revokeOwnerKey(caller: Caller, id: string) {
  const actor = await actingKey(caller);
  if (actor) {
    // Its own record never exceeds itself, so a key may revoke itself: that takes power only from the key at fault.
    const current = await getKey({ ownerId: caller.ownerId, id });
    if (!current) throw notFound(id);
    assertCanTouch(actor, current, "revoke", canRead(caller));
  }
  const row = await revokeKey({ ownerId: caller.ownerId, id });
  if (!row) throw notFound(id);
  keyChanged(id);
  await audit(caller, "key.revoke", id, { name: row.name, prefix: row.prefix });
  return serializeKey(row);
}

/**
 * A new key with the same name, policy and owner, shown once; the old one keeps working
 * for `grace_seconds`, then expires. Usage stays with whichever key made each call.
 */
export async function rollOwnerKey(caller: Caller, id: string, input: z.infer<typeof rollKeyInput>) {
  const current = await getKey({ ownerId: caller.ownerId, id });
  if (!current) throw notFound(id);
  const actor = await actingKey(caller);
  // The successor is a copy of the key: touching it and granting the copy are the same check.
  if (actor) assertCanTouch(actor, current, "roll", canRead(caller));
  const status = keyStatus(current);
  if (status !== "active") throw new AppError("conflict", `This key is ${status} and cannot be rolled.`);
  if (current.replacedBy) {
    throw new AppError("conflict", `This key has already been rolled; its successor is ${current.replacedBy}.`);
  }
  assertHoldsPermissions(caller, current.permissions);
  const { generated, full } = await mint(caller, {
    name: current.name,
    environment: current.environment,
    permissions: current.permissions,
    requestsPerMinute: current.requestsPerMinute,
    tokensPerMinute: current.tokensPerMinute,
    monthlyBudgetUsd: current.monthlyBudgetUsd,
    allowedProviders: current.allowedProviders,
    allowedModels: current.allowedModels,
    expiresAt: current.expiresAt,
    rolledFrom: current.id,
  });
  const oldExpiresAt = new Date(Date.now() + input.grace_seconds * 1000);
  const rolled = await rollKey({ ownerId: caller.ownerId, id, successor: full, oldExpiresAt });
  if (!rolled) throw new AppError("conflict", "This key was changed while rolling it (revoked, expired or rolled). Reload and try again.");
  keyChanged(id);
  rememberNewKey(generated.key, rolled.created);
  const oldView = serializeKey(rolled.old);
  const view = serializeKey(rolled.created);
  await audit(caller, "key.roll", id, {
    successor: rolled.created.id,
    grace_seconds: input.grace_seconds,
    expires_at: oldView.expires_at,
  });
  await audit(caller, "key.create", rolled.created.id, {
    rolled_from: id,
    name: rolled.created.name,
    environment: rolled.created.environment,
    permissions: rolled.created.permissions,
    ...serializePolicy(rolled.created),
    expires_at: view.expires_at,
  });
  // The new secret is the point of a roll; the record of a key this caller cannot read is not.
  if (!canRead(caller)) return { ...rolledView(view, oldView), key: generated.key };
  return { ...view, key: generated.key, previous_key: oldView };
}

export function serializeAuditEvent(e: AuditEvent) {
  return {
    id: e.id,
    created_at: e.ts.toISOString(),
    actor_id: e.actorId,
    actor_role: e.actorRole,
    action: e.action,
    key_id: e.keyId,
    details: e.details,
    ip: e.ip,
  };
}

export async function listOwnerAudit(caller: Caller, opts: { keyId?: string; before?: number; limit: number }) {
  const events = await listAuditEvents({ ownerId: caller.ownerId, ...opts });
  return events.map(serializeAuditEvent);
}
