import { and, desc, eq, isNull, sql } from "drizzle-orm";
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
  expiresAt: apiKeys.expiresAt,
};

export type KeyRecord = Omit<ApiKeyRow, "keyHash">;

export async function insertKey({ row }: { row: NewApiKeyRow }): Promise<KeyRecord> {
  const db = await getDb();
  const [created] = await db.insert(apiKeys).values(row).returning(visible);
  return created;
}

export async function listKeys({
  ownerId,
  includeRevoked = false,
}: {
  ownerId: string;
  includeRevoked?: boolean;
}): Promise<KeyRecord[]> {
  const db = await getDb();
  const owned = eq(apiKeys.ownerId, ownerId);
  return db
    .select(visible)
    .from(apiKeys)
    .where(includeRevoked ? owned : and(owned, isNull(apiKeys.revokedAt)))
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
}

export async function getKey({ ownerId, id }: { ownerId: string; id: string }): Promise<KeyRecord | null> {
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

export async function renameKey({
  ownerId,
  id,
  name,
}: {
  ownerId: string;
  id: string;
  name: string;
}): Promise<KeyRecord | null> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ name })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId)))
    .returning(visible);
  return row ?? null;
}

/** Marks the key revoked (keeping the row for history). Revoking twice keeps the first time. */
export async function revokeKey({ ownerId, id }: { ownerId: string; id: string }): Promise<KeyRecord | null> {
  const db = await getDb();
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(and(eq(apiKeys.id, id), eq(apiKeys.ownerId, ownerId)))
    .returning(visible);
  return row ?? null;
}

