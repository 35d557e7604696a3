import { join } from "node:path";
import { getEnv } from "@/lib/env";
import { getDb } from "./client";

// From the app's root, where every entry point runs (npm scripts, server.ts, its bundle in .next/
// and Next itself), rather than from import.meta.url, which the bundle moves.
const migrationsFolder = join(process.cwd(), "db", "migrations");
// Any fixed number: every instance asks Postgres for the same lock.
const MIGRATION_LOCK = 7_216_220_501;

/**
 * Applies the committed Drizzle migrations. On Postgres it holds an advisory lock,
 * so instances starting together take turns instead of racing on the same DDL.
 */
export async function migrateDatabase(opts: { databaseUrl?: string } = {}): Promise<void> {
  const env = getEnv();
  const databaseUrl = opts.databaseUrl ?? env.DATABASE_URL;
  if (!databaseUrl) {
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // PGlite lives in this process only; the lock would protect nothing.
    await migrate((await getDb()) as never, { migrationsFolder });
    return;
  }
  // Neon speaks the Postgres wire protocol too; DDL needs one session for the lock.
  const pg = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
