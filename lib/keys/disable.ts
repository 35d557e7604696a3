import { getKey, setKeyDisabled } from "@/db/queries/keys";
import type { Caller } from "@/lib/auth/caller";
import { AppError } from "@/lib/errors";
import { assertCanTouch } from "./authority";
import { actingKey, audit, canRead, notFound } from "./service";
import { keyChanged } from "./verifier";
import { serializeKey } from "./views";

// Disable and enable: revoke's reversible twin. A disabled key is refused (401) until its owner
// enables it again; usage, policy and history stay as they were.

/** Disables (`disabled`) or enables the key; asking for the state it is already in changes nothing and answers 200. */
export async function setOwnerKeyDisabled(caller: Caller, id: string, disabled: boolean) {
  const verb = disabled ? "disable" : "enable";
  const revoked = () => new AppError("conflict", `This key has been revoked and can no longer be ${verb}d.`);
  const current = await getKey({ ownerId: caller.ownerId, id });
  if (!current) throw notFound(id);
  const actor = await actingKey(caller);
  // As with revoke, a key may disable itself: that takes power only from the key at fault.
  if (actor) assertCanTouch(actor, current, verb, canRead(caller));
  if (current.revokedAt) throw revoked();
  const write = () => setKeyDisabled({ ownerId: caller.ownerId, id, disabled });
  let changed = await write();
  let row = changed ?? (await getKey({ ownerId: caller.ownerId, id }));
  // Nothing changed, yet the key is not in the state asked for: the opposite change landed in between.
  if (!changed && row && !row.revokedAt && (row.disabledAt !== null) !== disabled) row = (changed = await write()) ?? row;
  if (!row) throw notFound(id);
  // Revoked between the read above and the write.
  if (row.revokedAt) throw revoked();
  // Even when nothing changed: an instance that missed the first broadcast re-reads the row now.
  keyChanged(id);
  if (changed) await audit(caller, `key.${verb}`, id, { name: row.name, prefix: row.prefix });
  const view = serializeKey(row);
  // A caller that cannot read keys learns what it set, not the key's record.
  return canRead(caller) ? view : { id: view.id, status: view.status, disabled_at: view.disabled_at };
}

export const disableOwnerKey = (caller: Caller, id: string) => setOwnerKeyDisabled(caller, id, true);
export const enableOwnerKey = (caller: Caller, id: string) => setOwnerKeyDisabled(caller, id, false);
