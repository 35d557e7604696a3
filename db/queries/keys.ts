import { and, desc, eq, gt, gte, isNotNull, isNull, or, sql } from "drizzle-orm";
import { getDb } from "../client";
import { apiKeys, type ApiKeyRow, type NewApiKeyRow } from "../schema";

// The columns anyone may see. key_hash leaves the database only for verification.
const visible = {
  id: apiKeys.id,
  ownerId: apiKeys.ownerId,
  name: apiKeys.name,
  environment: apiKeys.environment,
  prefix: apiKeys.prefix,
  permissions: apiKeys.permissions,
  createdBy: apiKeys.createdBy,
  createdAt: apiKeys.createdAt,
  lastUsedAt: apiKeys.lastUsedAt,
  revokedAt: apiKeys.revokedAt,
  disabledAt: apiKeys.disabledAt,
  expiresAt: apiKeys.expiresAt,
  requestsPerMinute: apiKeys.requestsPerMinute,
  tokensPerMinute: apiKeys.tokensPerMinute,
  monthlyBudgetUsd: apiKeys.monthlyBudgetUsd,
  allowedProviders: apiKeys.allowedProviders,
  allowedModels: apiKeys.allowedModels,
  replacedBy: apiKeys.replacedBy,
  rolledFrom: apiKeys.rolledFrom,
  changedAt: apiKeys.changedAt,
};

export type KeyRecord = Omit<ApiKeyRow, "keyHash">;

export async function insertKey({ row }: { row: NewApiKeyRow }): Promise<KeyRecord> {
  const db = await getDb();
  const [created] = await db.insert(apiKeys).values(row).returning(visible);
  return created;
}

export async function listKeys({ ownerId, includeRevoked = false }: { ownerId: string; includeRevoked?: boolean }): Promise<KeyRecord[]> {
  const db = await getDb();
  const owned = eq(apiKeys.ownerId, ownerId);
  return db
    .select(visible)
    .from(apiKeys)
    .where(includeRevoked ? owned : and(owned, isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function getKey({ ownerId, id }: { ownerId: string; id: string }): Promise<KeyRecord | null> {
  // An id from a URL may hold NUL, which Postgres text cannot (the query would fail): no key has it.
  if (id.includes("\0")) return null;
  const db = await getDb();
  const [row] = await db
    .select(visible)
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId)));
  return row ?? null;
}

/** The one lookup a key verification makes: by primary key, hash included. */
export async function getKeyForVerification({ id }: { id: string }): Promise<ApiKeyRow | null> {
  const db = await getDb();
  const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return row ?? null;
}

/** Name and policy columns the owner may change. */
export type KeyChanges = Partial<
  Pick<
    NewApiKeyRow,
    | "name"
    | "permissions"
    | "requestsPerMinute"
    | "tokensPerMinute"
    | "monthlyBudgetUsd"
    | "allowedProviders"
    | "allowedModels"
    | "expiresAt"
  >
>;

/** The changed key; null when there is none, or when the change would extend a leaving key's expiry. */
export async function updateKey({ ownerId, id, changes }: { ownerId: string; id: string; changes: KeyChanges }): Promise<KeyRecord | null> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ ...changes, changedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId), expiryGuard(changes.expiresAt)))
    .returning(visible);
  return row ?? null;
}

/**
 * A key on its way out (rolled, or expired) may have its expiry moved earlier, never later or
 * away. The service checks it first; this repeats it in the write, so a roll that lands between
 * the service's read and this update cannot be undone by it.
 */
function expiryGuard(to: Date | null | undefined) {
  if (to === undefined) return undefined;
  const staying = and(isNull(apiKeys.replacedBy), or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)));
  return to === null ? staying : or(staying, gte(apiKeys.expiresAt, to));
}

/**
 * A roll without a transaction (Neon's HTTP driver has none): the successor is inserted,
 * then the old key is claimed by one conditional update (still live, not rolled yet), so of
 * two concurrent rolls exactly one wins; the loser's successor, never shown, is deleted.
 * The old key expires at `oldExpiresAt`, never later than it already would.
 */
export async function rollKey({
  ownerId,
  id,
  successor,
  oldExpiresAt,
}: {
  ownerId: string;
  id: string;
  successor: NewApiKeyRow;
  oldExpiresAt: Date;
}): Promise<{ old: KeyRecord; created: KeyRecord } | null> {
  const db = await getDb();
  const [created] = await db.insert(apiKeys).values(successor).returning(visible);
  const at = sql`${oldExpiresAt.toISOString()}::timestamptz`;
  const [old] = await db
    .update(apiKeys)
    .set({ replacedBy: successor.id, expiresAt: sql`least(coalesce(${apiKeys.expiresAt}, ${at}), ${at})`, changedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        eq(apiKeys.ownerId, ownerId),
        isNull(apiKeys.revokedAt),
        isNull(apiKeys.replacedBy),
        sql`(${apiKeys.expiresAt} is null or ${apiKeys.expiresAt} > now())`,
      ),
    )
    .returning(visible);
  if (!old) {
    await db.delete(apiKeys).where(eq(apiKeys.id, successor.id));
    return null;
  }
  return { old, created };
}

/** Marks the key revoked (keeping the row for history). Revoking twice keeps the first time. */
export async function revokeKey({ ownerId, id }: { ownerId: string; id: string }): Promise<KeyRecord | null> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())`, changedAt: sql`now()` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId)))
    .returning(visible);
  return row ?? null;
}

/**
 * Disables or enables a key that is not revoked, in one conditional update; null when nothing
 * changed (no such key, revoked, or already in that state), so the caller reads the key to say which.
 */
export async function setKeyDisabled({
  ownerId,
  id,
  disabled,
}: {
  ownerId: string;
  id: string;
  disabled: boolean;
}): Promise<KeyRecord | null> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ disabledAt: disabled ? sql`now()` : null, changedAt: sql`now()` })
    .where(
      and(
        eq(apiKeys.id, id),
        eq(apiKeys.ownerId, ownerId),
        isNull(apiKeys.revokedAt),
        disabled ? isNull(apiKeys.disabledAt) : isNotNull(apiKeys.disabledAt),
      ),
    )
    .returning(visible);
  return row ?? null;
}

/**
 * Keys changed after (`since`, `afterId`) in (changed_at, id) order (database time), at most
 * `limit`. One indexed range read, however many keys there are: what lets verifiers trust what
 * they hold without a read per key. The id breaks ties, so pages never repeat or skip a row.
 * New keys are left out: they changed nothing anyone had verified.
 */
export async function keysChangedSince({
  since,
  afterId = "",
  limit,
}: {
  /** A time, or a row's `at` from an earlier page (Postgres keeps microseconds, a Date only milliseconds). */
  since: Date | string;
  afterId?: string;
  limit: number;
}): Promise<{ id: string; changedAt: Date; at: string }[]> {
  const db = await getDb();
  const from = sql`${typeof since === "string" ? since : since.toISOString()}::timestamptz`;
  return db
    .select({ id: apiKeys.id, changedAt: apiKeys.changedAt, at: sql<string>`${apiKeys.changedAt}::text` })
    .from(apiKeys)
    .where(
      and(
        or(sql`${apiKeys.changedAt} > ${from}`, and(sql`${apiKeys.changedAt} = ${from}`, gt(apiKeys.id, afterId))),
        // A key never changed since it was made holds nothing a verifier could have cached stale.
        sql`${apiKeys.changedAt} > ${apiKeys.createdAt}`,
      ),
    )
    .orderBy(apiKeys.changedAt, apiKeys.id)
    .limit(limit);
}

/** The database's clock (its milliseconds; whatever the server's time zone). */
export async function databaseNow(): Promise<Date> {
  const db = await getDb();
  const [row] = await db.select({ ms: sql<string>`(extract(epoch from now()) * 1000)::bigint::text` }).from(apiKeys).limit(1);
  // No keys yet: nothing can have changed, and this process's clock will do.
  return row ? new Date(Number(row.ms)) : new Date();
}
