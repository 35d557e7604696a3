import { listKeys } from "@/db/queries/keys";
import { loadWeeklyUsage } from "@/lib/usage/dashboard";
import { keyLimitStates } from "@/lib/usage/key-state";
import { buildKeysListPage, isFiltered, keyCounts, type KeyListInput, type KeysListPage, type KeysListParams } from "./list-view";
import { serializeKey } from "./views";

// The keys list page's data: every key of the owner with its 7-day usage and budget state,
// narrowed to one page of the view in the URL. Three queries, whatever the number of keys.

export interface KeysListData extends KeysListPage {
  /** Nothing to list before any filter (every key revoked, or none yet): the page shows the first-key empty state. */
  none: boolean;
  counts: { active: number; inactive: number };
}

export async function loadKeysList({
  ownerId,
  params,
  now = new Date(),
}: {
  ownerId: string;
  params: KeysListParams;
  now?: Date;
}): Promise<KeysListData> {
  // Revoked keys too: a rolled key's successor may be one, and the status filter can ask for them.
  const records = await listKeys({ ownerId, includeRevoked: true });
  if (records.length === 0) return { ...buildKeysListPage([], params), none: true, counts: { active: 0, inactive: 0 } };
  const [usage, limits] = await Promise.all([loadWeeklyUsage({ ownerId, now }), keyLimitStates({ ownerId, keys: records, now })]);
  const all: KeyListInput[] = records.map((r) => ({ key: serializeKey(r), usage: usage[r.id], limit: limits[r.id] ?? null }));
  const shown = all.filter((r) => r.key.status !== "revoked" || params.revoked);
  return { ...buildKeysListPage(all, params), none: shown.length === 0 && !isFiltered(params), counts: keyCounts(shown) };
}
