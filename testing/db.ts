import { afterAll, beforeAll } from "vitest";
import { sql } from "drizzle-orm";
import { closeDb, getDb, type Db } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import type { Caller } from "@/lib/auth/caller";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { resetEnv } from "@/lib/env";
import { closePolicyRuntime } from "@/lib/limits/runtime";
import { addFindings, type Finding } from "./secret-scan";
import { scanRowsForSecrets } from "./secret-scan-db";

/**
 * Migrates the test database (PGlite in memory, or DATABASE_URL) once per file; after the file,
 * scans every table for keys and bcrypt hashes before closing it. The findings are handed to
 * testing/setup.ts to report, since Vitest skips the remaining afterAll hooks once one throws.
 * A file that closes an in-memory PGlite mid-way has lost those rows: the scan reads the database
 * open at the end, which may have no tables at all (on Postgres every row stays to be read).
 */
export function useDatabase(): void {
  beforeAll(async () => {
    resetEnv();
    await migrateDatabase();
  });
  afterAll(async () => {
    try {
      addFindings(await scanDatabaseForSecrets());
    } finally {
      await closePolicyRuntime();
      await closeDb();
    }
  });
}

/**
 * The secrets in the rows of the test database (or of `db`, a transaction say): every table,
 * api_keys.key_hash aside (testing/secret-scan-db.ts).
 */
export async function scanDatabaseForSecrets(db?: Db): Promise<Finding[]> {
  const conn = db ?? (await getDb());
  // node-postgres and PGlite both answer execute() with { rows }.
  return scanRowsForSecrets((text) => conn.execute(sql.raw(text)) as unknown as Promise<{ rows: Record<string, unknown>[] }>);
}

/** A fresh owner per test keeps tests independent on a shared Postgres database. */
export function uniqueOwner(label = "owner"): string {
  return `${label}_${Math.random().toString(36).slice(2, 10)}`;
}

/** A signed-in owner holding every permission, for creating keys directly in tests. */
export function testCaller(ownerId = uniqueOwner()): Caller {
  return { ownerId, actorId: "user_test", via: "session", permissions: [...PERMISSIONS], ambient: false };
}
