import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { PGlite } from "@electric-sql/pglite";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/singleton";
import { describeError } from "@/lib/db-errors";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

interface Connection {
  db: Db;
  close: () => Promise<void>;
  /** The embedded database itself, for what only it can do (COPY from a blob); null on Postgres. */
  embedded: PGlite | null;
}

// One connection per process, shared by server.ts and Next's route handlers: one pool (and, for
// PGlite, one open data directory).
const holder = processSingleton("db", () => ({ connection: undefined as Promise<Connection> | undefined }));

async function connect(): Promise<Connection> {
  const env = getEnv();
  if (env.dbDriver === "pglite") {
    const { PGlite } = await import("@electric-sql/pglite");
    const { drizzle } = await import("drizzle-orm/pglite");
    const client = new PGlite(env.DATA_DIR, { postgresqlconf: [`shared_buffers=${env.PGLITE_SHARED_BUFFERS}`] });
    await client.waitReady;
    return { db: drizzle(client, { schema }) as unknown as Db, close: () => client.close(), embedded: client };
  }
  if (env.dbDriver === "neon") {
    // HTTP queries: no WebSocket needed, one round trip each, made for serverless.
    const { neon, neonConfig } = await import("@neondatabase/serverless");
    const { drizzle } = await import("drizzle-orm/neon-http");
    // Each query is one fetch, so connecting and answering share one deadline; there is no pool to
    // wait for, and no session to set statement_timeout on (set it on the role on Neon's side).
    // fetchFunction is global to the driver, which only this connection uses.
    const deadlineMs = env.DATABASE_CONNECT_TIMEOUT_MS + env.DATABASE_QUERY_TIMEOUT_MS;
    neonConfig.fetchFunction = (input: RequestInfo | URL, init?: RequestInit) =>
      fetch(input, { ...init, signal: AbortSignal.timeout(deadlineMs) });
    const db = drizzle(neon(env.DATABASE_URL!), { schema });
    return { db: db as unknown as Db, close: async () => {}, embedded: null };
  }
  const { Pool } = (await import("pg")).default;
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const queryTimeoutMs = env.DATABASE_QUERY_TIMEOUT_MS;
  const pool = new Pool({
    connectionString: env.DATABASE_URL,
    max: 10,
    // pg-pool applies it to opening a connection and to waiting for a free one alike.
    connectionTimeoutMillis: env.DATABASE_CONNECT_TIMEOUT_MS,
    // A stalled link never brings the server's own timeout back: the client gives up by itself, a
    // little later than the server, so that a slow statement ends with Postgres's error (57014).
    query_timeout: queryTimeoutMs + Math.min(queryTimeoutMs / 2, 1_000),
    // The server's bound, set with SET rather than as a startup parameter, which PgBouncer refuses.
    onConnect: (client) => client.query(`set statement_timeout = ${Math.trunc(queryTimeoutMs)}`),
  });
  // An idle client losing its connection must not crash the process.
  pool.on("error", (err) => console.error("[neuronedge] postgres pool error:", describeError(err)));
  const close = async () => {
    // A stalled connection never acknowledges its end: shutting down waits a bounded time for it.
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, env.DATABASE_CONNECT_TIMEOUT_MS)));
    await Promise.race([pool.end().catch(() => {}), gaveUp]);
    clearTimeout(timer);
  };
  return { db: drizzle(pool, { schema }) as unknown as Db, close, embedded: null };
}

function connection(): Promise<Connection> {
  holder.connection ??= connect().catch((err) => {
    holder.connection = undefined;
    throw err;
  });
  return holder.connection;
}

export function getDb(): Promise<Db> {
  return connection().then((c) => c.db);
}

/** The embedded PGlite when that is the database; null on Postgres and Neon. */
export function getEmbeddedClient(): Promise<PGlite | null> {
  return connection().then((c) => c.embedded);
}

export async function closeDb(): Promise<void> {
  const pending = holder.connection;
  holder.connection = undefined;
  if (pending) await (await pending.catch(() => undefined))?.close();
}
