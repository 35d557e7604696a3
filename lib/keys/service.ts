import { z } from "zod";
import { insertAuditEvent, listAuditEvents, type AuditEvent } from "@/db/queries/audit";
import { getKey, insertKey, listKeys, revokeKey, rollKey, updateKey, type KeyChanges, type KeyRecord } from "@/db/queries/keys";
import type { Caller } from "@/lib/auth/caller";
import { DEFAULT_PERMISSIONS, PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { generateKey, KEY_ENVIRONMENTS } from "./format";
import { hashKey } from "./hash";
import {
  allowedModelsInput,
  allowedProvidersInput,
  expiresAtInput,
  limitsInput,
  policyColumns,
  serializePolicy,
} from "./policy";
import { keyChanged, rememberNewKey } from "./verifier";

// Key lifecycle: create (shown once), list, read, update, revoke, roll; each change audited.

const name = z
  .string({ error: (i) => (i.input === undefined ? "name is required." : "name must be a string.") })
  .trim()
  .min(1, "name must not be empty.")
  .max(100, "name must be at most 100 characters.");

const permissionsInput = z
  .array(z.enum(PERMISSIONS, { error: `permissions may contain only: ${PERMISSIONS.join(", ")}.` }), {
    error: "permissions must be an array.",
  })
  .min(1, "permissions must not be empty.");

const policyFields = {
  limits: limitsInput.optional(),
  allowed_providers: allowedProvidersInput,
  allowed_models: allowedModelsInput,
  expires_at: expiresAtInput,
};

export const createKeyInput = z.object({
  name,
  environment: z.enum(KEY_ENVIRONMENTS, { error: "environment must be 'live' or 'test'." }).default("live"),
  permissions: permissionsInput.optional(),
  ...policyFields,
});

export const updateKeyInput = z
  .object({ name: name.optional(), permissions: permissionsInput.optional(), ...policyFields })
  .refine((v) => Object.values(v).some((x) => x !== undefined), {
    message: "Nothing to change: send name, permissions, limits, allowed_providers, allowed_models or expires_at.",
  });

export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export const rollKeyInput = z.object({
  grace_seconds: z
    .number({ error: "grace_seconds must be a number of seconds." })
    .int("grace_seconds must be a whole number of seconds.")
    .min(0, "grace_seconds must be at least 0.")
    .max(MAX_GRACE_SECONDS, `grace_seconds must be at most ${MAX_GRACE_SECONDS} (7 days).`)
    .default(0),
});

export type KeyStatus = "active" | "revoked" | "expired";

export function keyStatus(k: KeyRecord, now = Date.now()): KeyStatus {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt.getTime() <= now) return "expired";
  return "active";
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a key: the seed's fields first, never the secret or its hash. */
export function serializeKey(k: KeyRecord) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: iso(k.lastUsedAt),
    environment: k.environment,
    status: keyStatus(k),
    permissions: k.permissions,
    expires_at: iso(k.expiresAt),
    revoked_at: iso(k.revokedAt),
    created_by: k.createdBy,
    ...serializePolicy(k),
    replaced_by: k.replacedBy,
    rolled_from: k.rolledFrom,
  };
}

export type KeyView = ReturnType<typeof serializeKey>;

/** A key may hand out only what it holds itself. */
function assertCanGrant(caller: Caller, permissions: readonly string[]): void {
  const beyond = permissions.filter((p) => !caller.permissions.includes(p as Permission));
  if (beyond.length) {
    throw new AppError("forbidden", `Cannot grant permissions this API key does not hold: ${beyond.join(", ")}.`, {
      param: "permissions",
    });
  }
}

function audit(caller: Caller, action: string, keyId: string, details: Record<string, unknown>): Promise<void> {
  return insertAuditEvent({
    event: { ownerId: caller.ownerId, actorId: caller.actorId, action, keyId, details, ip: caller.ip ?? null },
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

export async function createKey(caller: Caller, input: z.infer<typeof createKeyInput>) {
  const permissions: Permission[] = input.permissions ? [...new Set(input.permissions)] : DEFAULT_PERMISSIONS;
  assertCanGrant(caller, permissions);
  const { generated, full } = await mint(caller, {
    name: input.name,
    environment: input.environment,
    permissions,
    ...policyColumns(input),
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
function notFound(id: string): AppError {
  return new AppError("not_found", `No API key with id '${id}'.`);
}

export async function getOwnerKey(caller: Caller, id: string) {
  const row = await getKey({ ownerId: caller.ownerId, id });
  if (!row) throw notFound(id);
  return serializeKey(row);
}

/** The fields of a change, before and after, for the audit log. */
function diff(before: KeyView, after: KeyView): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of ["name", "permissions", "limits", "allowed_providers", "allowed_models", "expires_at"] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { from: before[k], to: after[k] };
  }
  return out;
}

export async function updateOwnerKey(caller: Caller, id: string, input: z.infer<typeof updateKeyInput>) {
  const current = await getKey({ ownerId: caller.ownerId, id });
  if (!current) throw notFound(id);
  if (current.revokedAt) throw new AppError("conflict", "This key has been revoked and can no longer be changed.");
  const changes: KeyChanges = { ...policyColumns(input) };
  if (input.name !== undefined) changes.name = input.name;
  if (input.permissions) {
    assertCanGrant(caller, input.permissions);
    changes.permissions = [...new Set(input.permissions)];
  }
  const row = await updateKey({ ownerId: caller.ownerId, id, changes });
  if (!row) throw notFound(id);
  keyChanged(id);
  const before = serializeKey(current);
  const after = serializeKey(row);
  const changed = diff(before, after);
  if (Object.keys(changed).length > 0) {
    await audit(caller, Object.keys(changed).join() === "name" ? "key.rename" : "key.update", id, changed);
  }
  return after;
}

export async function revokeOwnerKey(caller: Caller, id: string) {
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
  const status = keyStatus(current);
  if (status !== "active") throw new AppError("conflict", `This key is ${status} and cannot be rolled.`);
  if (current.replacedBy) {
    throw new AppError("conflict", `This key has already been rolled; its successor is ${current.replacedBy}.`);
  }
  assertCanGrant(caller, current.permissions);
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
    expires_at: serializeKey(rolled.created).expires_at,
  });
  return { ...serializeKey(rolled.created), key: generated.key, previous_key: oldView };
}

export function serializeAuditEvent(e: AuditEvent) {
  return {
    id: e.id,
    created_at: e.ts.toISOString(),
    actor_id: e.actorId,
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
