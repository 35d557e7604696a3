import { sql, type SQL } from "drizzle-orm";
import type { Pool } from "pg";
import { getEnv } from "@/lib/env";
import { getDb, type Db } from "../client";

// The raw usage events' partitions, read from the catalog and changed by DDL: upkeep attaches next
// months' partitions, retention drops whole old ones and deletes the rest in bounded batches. The
// rollups (usage_hourly, usage_daily) are never touched here.

/** Any fixed number, other than the migrations' lock: every instance asks Postgres for the same one. */
const MAINTENANCE_LOCK = 7_216_220_502;
/** DDL waits this long for its lock, then gives up until the next run, rather than queue every query behind it. */
const LOCK_TIMEOUT = "5s";

export interface EventPartition {
  name: string;
  isDefault: boolean;
  /** Bounds in epoch ms; null for the default partition or a bound that is not a plain instant. */
  fromMs: number | null;
  toMs: number | null;
}

async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  // node-postgres, PGlite and Neon's HTTP driver all answer execute() with { rows }.
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** Several statements in one transaction; Neon's HTTP driver has no interactive ones, but batches. */
async function inTransaction(db: Db, statements: SQL[]): Promise<void> {
  const batching = db as unknown as { batch?: (queries: unknown[]) => Promise<unknown> };
  if (typeof batching.batch === "function") {
    await batching.batch(statements.map((s) => db.execute(s)));
    return;
  }
  await db.transaction(async (tx) => {
    for (const s of statements) await tx.execute(s);
  });
}

const instant = (d: Date) => sql.raw(`'${d.toISOString()}'::timestamptz`);

export async function listEventPartitions(db: Db): Promise<EventPartition[]> {
  // The bounds come back as text in the session's time zone, with its offset: cast back where read.
  const found = await rows<{ name: string; is_default: boolean; from_ms: number | null; to_ms: number | null }>(
    db,
    sql`select c.relname as name, b.expr = 'DEFAULT' as is_default,
        (extract(epoch from (b.m[1])::timestamptz) * 1000)::float8 as from_ms,
        (extract(epoch from (b.m[2])::timestamptz) * 1000)::float8 as to_ms
      from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as expr) e
      cross join lateral (select e.expr, regexp_match(e.expr, '^FOR VALUES FROM \\(''([^'']+)''\\) TO \\(''([^'']+)''\\)$') as m) b
      where i.inhparent = 'usage_events'::regclass
      order by 3 nulls first`,
  );
  return found.map((r) => ({ name: r.name, isDefault: r.is_default, fromMs: r.from_ms, toMs: r.to_ms }));
}

/** Events in the default partition within [from, to), counted up to `max` + 1. */
export async function defaultRowsIn(db: Db, from: Date, to: Date, max: number): Promise<number> {
  const [r] = await rows<{ n: number }>(
    db,
    sql`select count(*)::int as n from (select 1 from usage_events_default
      where ts >= ${instant(from)} and ts < ${instant(to)} limit ${max + 1}) as x`,
  );
  return r?.n ?? 0;
}

/**
 * Attaches a partition for [from, to), first moving into it the default partition's events of that
 * range (ATTACH refuses while the default holds any). ATTACH takes a lighter lock on usage_events
 * than CREATE TABLE … PARTITION OF: reads and writes go on meanwhile.
 */
export async function attachMonthPartition(db: Db, p: { name: string; from: Date; to: Date }, moveRows: boolean): Promise<void> {
  const name = sql.identifier(p.name);
  const range = sql`ts >= ${instant(p.from)} and ts < ${instant(p.to)}`;
  await inTransaction(db, [
    sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`),
    sql`create table ${name} (like usage_events including defaults)`,
    ...(moveRows
      ? [sql`with moved as (delete from usage_events_default where ${range} returning *) insert into ${name} select * from moved`]
      : []),
    sql`alter table usage_events attach partition ${name} for values from (${instant(p.from)}) to (${instant(p.to)})`,
  ]);
}

/** Detaches a partition and drops it: all its events at once, without a row deleted one by one. */
export async function dropEventPartition(db: Db, partition: string): Promise<void> {
  const name = sql.identifier(partition);
  await inTransaction(db, [
    sql.raw(`set local lock_timeout = '${LOCK_TIMEOUT}'`),
    sql`alter table usage_events detach partition ${name}`,
    sql`drop table ${name}`,
  ]);
}

/**
 * Deletes at most `limit` of the partition's events older than `before`, oldest first, from `after`
 * on (the previous batch's last ts: its index walk starts there rather than over the rows just
 * deleted). Returns how many, and the last one's ts.
 */
export async function deleteEventBatch(
  db: Db,
  partition: string,
  { before, after, limit }: { before: Date; after: Date | null; limit: number },
): Promise<{ deleted: number; lastMs: number | null }> {
  const p = sql.identifier(partition);
  const from = after ? sql`ts >= ${instant(after)} and ` : sql``;
  const [r] = await rows<{ n: number; last_ms: number | null }>(
    db,
    sql`with d as (delete from ${p} where ctid = any(array(
          select ctid from ${p} where ${from}ts < ${instant(before)} order by ts limit ${limit}))
        returning ts)
      select count(*)::int as n, (extract(epoch from max(ts)) * 1000)::float8 as last_ms from d`,
  );
  return { deleted: r?.n ?? 0, lastMs: r?.last_ms ?? null };
}

/**
 * The embedded database's event partitions never analyzed, or grown by half since they last were,
 * newest first: it has no autovacuum, and the recorder analyzes only the parent (the planner reads
 * each partition's own statistics).
 */
export async function partitionsToAnalyze(db: Db, max: number): Promise<string[]> {
  const found = await rows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'usage_events'::regclass
        and pg_relation_size(c.oid) / current_setting('block_size')::int > case when c.reltuples < 0 then 0 else c.relpages * 1.5 + 8 end
      order by c.oid desc limit ${max}`,
  );
  return found.map((r) => r.name);
}

/** With a tenth of the default sample, as the recorder does (db/queries/usage-write.ts says why). */
export async function analyzePartition(db: Db, partition: string): Promise<void> {
  await inTransaction(db, [sql.raw("set local default_statistics_target = 10"), sql`analyze ${sql.identifier(partition)}`]);
}

/**
 * Runs `fn` as this database's only maintenance run: on Postgres on one pooled connection holding an
 * advisory lock, so that of several instances one prunes at a time; null when another holds it.
 * The embedded database belongs to this process alone. Neon's HTTP driver has no sessions to hold
 * a lock: there concurrent runs may overlap, which costs work but no harm (each step is idempotent).
 */
export async function asMaintenanceRun<T>(fn: (db: Db) => Promise<T>): Promise<T | null> {
  const db = await getDb();
  if (getEnv().dbDriver !== "pg") return fn(db);
  const pool = (db as unknown as { $client: Pool }).$client;
  const client = await pool.connect();
  // A connection that may still hold the lock must not go back to the pool: it is closed instead.
  let suspect = true;
  try {
    const { rows: got } = await client.query<{ ok: boolean }>("select pg_try_advisory_lock($1) as ok", [MAINTENANCE_LOCK]);
    if (!got[0]?.ok) {
      suspect = false;
      return null;
    }
    try {
      const { drizzle } = await import("drizzle-orm/node-postgres");
      return await fn(drizzle(client) as unknown as Db);
    } finally {
      await client.query("select pg_advisory_unlock($1)", [MAINTENANCE_LOCK]);
      suspect = false;
    }
  } finally {
    client.release(suspect);
  }
}

/** For tests: whether another session holds the maintenance lock (Postgres only). */
export const MAINTENANCE_LOCK_ID = MAINTENANCE_LOCK;
