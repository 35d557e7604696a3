import type { z } from "zod";
import type { KeyRecord } from "@/db/queries/keys";
import type { updateKeyInput } from "./inputs";
import { serializePolicy } from "./policy";

// What the management API shows of a key: the full record to callers that may read keys, and
// to a write-only key no more than what it sent.

export type KeyStatus = "active" | "disabled" | "revoked" | "expired";

/** Final states first: a disabled key that has since expired or been revoked shows that, as enabling it would not help. */
export function keyStatus(k: KeyRecord, now = Date.now()): KeyStatus {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && k.expiresAt.getTime() <= now) return "expired";
  if (k.disabledAt) return "disabled";
  return "active";
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The public shape of a key: the documented list fields first, never the secret or its hash. */
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
    disabled_at: iso(k.disabledAt),
    created_by: k.createdBy,
    ...serializePolicy(k),
    replaced_by: k.replacedBy,
    rolled_from: k.rolledFrom,
  };
}

export type KeyView = ReturnType<typeof serializeKey>;

/** What a caller without keys:read learns from a change: the id, the status, and the fields it sent. */
export function changedView(after: KeyView, input: z.infer<typeof updateKeyInput>) {
  const out: Record<string, unknown> = { id: after.id, status: after.status };
  for (const k of ["name", "permissions", "allowed_providers", "allowed_models", "expires_at"] as const) {
    if (input[k] !== undefined) out[k] = after[k];
  }
  if (input.limits) {
    const sent = Object.keys(input.limits).filter((k) => input.limits?.[k as keyof typeof input.limits] !== undefined);
    out.limits = Object.fromEntries(sent.map((k) => [k, after.limits[k as keyof KeyView["limits"]]]));
  }
  return out;
}

/** What a caller without keys:read learns from a roll: the new secret, and no record of either key. */
export function rolledView(created: KeyView, old: KeyView) {
  return {
    id: created.id,
    prefix: created.prefix,
    status: created.status,
    rolled_from: old.id,
    previous_key: { id: old.id, status: old.status, expires_at: old.expires_at },
  };
}

/** The fields of a change, before and after, for the audit log. */
export function diff(before: KeyView, after: KeyView): Record<string, { from: unknown; to: unknown }> {
  const out: Record<string, { from: unknown; to: unknown }> = {};
  for (const k of ["name", "permissions", "limits", "allowed_providers", "allowed_models", "expires_at"] as const) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) out[k] = { from: before[k], to: after[k] };
  }
  return out;
}
