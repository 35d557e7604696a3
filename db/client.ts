import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { getEnv } from "@/lib/env";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

interface Connection {
  db: Db;
  close: () => Promise<void>;
}

// One connection per process, kept on globalThis: `npm start` runs the gateway core
// from server.ts and Next's bundled route handlers in the same process, and both must
// share one pool (and, for PGlite, one open data directory).
const slot = Symbol.for("neuronedge.db");
type Holder = { [slot]?: Promise<Connection> };
const holder = globalThis as Holder;

async function connect(): Promise<Connection> {
  const env = getEnv();
  if (env.dbDriver === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = new PGlite(env.DATA_DIR, { postgresqlconf: [`shared_buffers=${env.PGLITE_SHARED_BUFFERS}`] });
    await client.waitReady;
    return { db: drizzle(client, { schema }) as unknown as Db, close: () => client.close() };
  }
  if (env.dbDriver === "neon") {
    // HTTP queries: no WebSocket needed, one round trip each, made for serverless.
    const { neon } = await import("@neondatabase/serverless");
    const { drizzle } = await import("drizzle-orm/neon-http");
    const db = drizzle(neon(env.DATABASE_URL!), { schema });
    return { db: db as unknown as Db, close: async () => {} };
  }
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const pool = new Pool({ connectionString: env.DATABASE_URL, max: 10 });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => console.error("[neuronedge] postgres pool error:", err.message));
  return { db: drizzle(pool, { schema }) as unknown as Db, close: () => pool.end() };
}

export function getDb(): Promise<Db> {
  holder[slot] ??= connect().catch((err) => {
    holder[slot] = undefined;
    throw err;
  });
  return holder[slot].then((c) => c.db);
}

export async function closeDb(): Promise<void> {
  const pending = holder[slot];
  holder[slot] = undefined;
  if (pending) await (await pending.catch(() => undefined))?.close();
}
