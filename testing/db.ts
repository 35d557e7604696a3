import { afterAll, beforeAll } from "vitest";
import { closeDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import type { Caller } from "@/lib/auth/caller";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { resetEnv } from "@/lib/env";
import { closePolicyRuntime } from "@/lib/limits/runtime";

/** Migrates the test database (PGlite in memory, or DATABASE_URL) once per file. */
export function useDatabase(): void {
  beforeAll(async () => {
    resetEnv();
    await migrateDatabase();
  });
  afterAll(async () => {
    await closePolicyRuntime();
    await closeDb();
  });
}

/** A fresh owner per test keeps tests independent on a shared Postgres database. */
export function uniqueOwner(label = "owner"): string {
  return `${label}_${Math.random().toString(36).slice(2, 10)}`;
}

/** A signed-in owner holding every permission, for creating keys directly in tests. */
export function testCaller(ownerId = uniqueOwner()): Caller {
  return { ownerId, actorId: "user_test", via: "session", permissions: [...PERMISSIONS], ambient: false };
}
