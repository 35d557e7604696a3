import { join } from "node:path";
import { describeError } from "@/lib/db-errors";
import { getEnv } from "@/lib/env";
import { ensureEventPartitions } from "@/lib/usage/retention";
import { type Db, getDb } from "./client";

// From the app's root, where every entry point runs (npm scripts, server.ts, its bundle in .next/
// and Next itself), rather than from import.meta.url, which the bundle moves.
const migrationsFolder = join(process.cwd(), "db", "migrations");
// Any fixed number: every instance asks Postgres for the same lock.
const MIGRATION_LOCK = 7_216_220_501;

/**
 * The coming months' event partitions, made at each start and each `npm run db:migrate` too, so a
 * deployment without the node server's timer (serverless) still gets them. A failure here is
 * logged, not fatal: events land in the default partition meanwhile.
 */
async function partitionUpkeep(db: Db): Promise<void> {
  try {
    const { created, problems } = await ensureEventPartitions(db);
    if (created.length) console.log(`[neuronedge] made usage event partitions ${created.join(", ")}`);
    if (problems.length) console.error(`[neuronedge] usage event partitions: ${problems.join("; ")}`);
  } catch (err) {
    console.error("[neuronedge] could not make the coming months' usage event partitions:", describeError(err));
  }
}

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
    await partitionUpkeep(await getDb());
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
    const db = drizzle(client);
    await migrate(db, { migrationsFolder });
    await partitionUpkeep(db as unknown as Db);
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
}
