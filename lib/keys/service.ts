import { z } from "zod";
import { getKey, insertKey, listKeys, renameKey, revokeKey, type KeyRecord } from "@/db/queries/keys";
import type { Caller } from "@/lib/auth/caller";
import { DEFAULT_PERMISSIONS, PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import { AppError } from "@/lib/errors";
import { generateKey, KEY_ENVIRONMENTS } from "./format";
import { hashKey } from "./hash";
import { forgetKey, rememberNewKey } from "./verifier";

// Key lifecycle: create (shown once), list, read, rename, revoke.

const name = z
  .string({ error: (i) => (i.input === undefined ? "name is required." : "name must be a string.") })
  .trim()
  .min(1, "name must not be empty.")
  .max(100, "name must be at most 100 characters.");

export const createKeyInput = z.object({
  name,
  environment: z.enum(KEY_ENVIRONMENTS, { error: "environment must be 'live' or 'test'." }).default("live"),
  permissions: z
    .array(z.enum(PERMISSIONS, { error: `permissions may contain only: ${PERMISSIONS.join(", ")}.` }), {
      error: "permissions must be an array.",
    })
    .min(1, "permissions must not be empty.")
    .optional(),
});

export const updateKeyInput = z.object({ name });

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
  };
}

export type KeyView = ReturnType<typeof serializeKey>;

export async function createKey(caller: Caller, input: z.infer<typeof createKeyInput>) {
  const permissions: Permission[] = input.permissions ? [...new Set(input.permissions)] : DEFAULT_PERMISSIONS;
  // A key may hand out only what it holds itself.
  const beyond = permissions.filter((p) => !caller.permissions.includes(p));
  if (beyond.length) {
    throw new AppError("forbidden", `Cannot grant permissions this API key does not hold: ${beyond.join(", ")}.`, {
      param: "permissions",
    });
  }
  const generated = generateKey(input.environment);
  const record = await insertKey({
    row: {
      id: generated.id,
      ownerId: caller.ownerId,
      name: input.name,
      environment: generated.environment,
      prefix: generated.prefix,
      keyHash: await hashKey(generated.key),
      permissions,
      createdBy: caller.actorId,
    },
  });
  rememberNewKey(generated.key, record);
  return { ...serializeKey(record), key: generated.key };
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

export async function renameOwnerKey(caller: Caller, id: string, input: z.infer<typeof updateKeyInput>) {
  const row = await renameKey({ ownerId: caller.ownerId, id, name: input.name });
  if (!row) throw notFound(id);
  return serializeKey(row);
}

export async function revokeOwnerKey(caller: Caller, id: string) {
  const row = await revokeKey({ ownerId: caller.ownerId, id });
  if (!row) throw notFound(id);
  forgetKey(id);
  return serializeKey(row);
}
