import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, getDb } from "@/db/client";
import { migrateDatabase } from "@/db/migrate";
import { listEventPartitions, MAINTENANCE_LOCK_ID } from "@/db/queries/retention";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { resetEnv } from "@/lib/env";
import { scratchPostgres } from "@/testing/scratch-database";
import { usageEvent } from "@/testing/usage-events";
import { startUsageMaintenance, stopUsageMaintenance, usageMaintenanceRuns } from "./maintenance";
import { monthPartition } from "./partitions";
import { ensureEventPartitions, runUsageMaintenance } from "./retention";

// Retention deletes raw events for good, so these tests have a database of their own: on Postgres
// a scratch database beside DATABASE_URL's, on PGlite the file's own in-memory one.

let scratch: Awaited<ReturnType<typeof scratchPostgres>> | null = null;
beforeAll(async () => {
  if (process.env.DATABASE_URL) {
    scratch = await scratchPostgres("retention");
    process.env.DATABASE_URL = scratch.url;
  }
  resetEnv();
  await migrateDatabase();
});
afterAll(async () => {
  await stopUsageMaintenance();
  await closeDb();
  await scratch?.drop();
});

async function query<T = Record<string, unknown>>(text: string): Promise<T[]> {
  return ((await (await getDb()).execute(sql.raw(text))) as unknown as { rows: T[] }).rows;
}

async function partitionNames(): Promise<string[]> {
  const rows = await query<{ name: string }>(
    "select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'usage_events'::regclass",
  );
  return rows.map((r) => r.name).sort();
}

const COLUMNS = `ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens, output_tokens,
  cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted`;
const DAY_MS = 86_400_000;
const NOW = new Date();
const RETENTION_DAYS = 100;
const CUTOFF = new Date(NOW.getTime() - RETENTION_DAYS * DAY_MS);
const at = (d: Date) => `'${d.toISOString()}'::timestamptz`;

const digest = (where: string) =>
  query<{ n: number; rows: string }>(`select count(*)::int as n, md5(string_agg(e::text, '|' order by id)) as rows
    from usage_events e where key_id like 'gen_%' and ${where}`).then((r) => r[0]);
const rollupTotals = () =>
  query(`select (select row(sum(requests), sum(input_tokens), sum(cost_usd), sum(unpriced_requests))::text from usage_hourly) as hourly,
    (select row(sum(requests), sum(input_tokens), sum(cost_usd), sum(unpriced_requests))::text from usage_daily) as daily`);

describe("raw usage event retention", () => {
  it("on generated history: drops the old months, deletes the rest in bounded batches, keeps the new and the rollups", async () => {
    const db = await getDb();
    // The partitions upkeep would have made over the past ten months.
    for (let k = 10; k >= 1; k--) await ensureEventPartitions(db, monthPartition(NOW, -k).from);
    // 40,000 events, one every 10 minutes back from now (about nine months), and some from a clock far
    // off that land in the default partition: five old enough to prune, three from the future.
    await query(`insert into usage_events (${COLUMNS})
      select ${at(NOW)} - i * interval '10 minutes', 'gen_o', 'gen_k' || i % 5, 'live', 'openai', 'm' || i % 3,
        '/chat/completions', case when i % 9 = 0 then 429 else 200 end, i % 500, i % 50, 0,
        case when i % 13 = 0 then null else (i % 500) * 0.000001 end, 90, null, false, false
      from generate_series(1, 40000) as i`);
    await query(`insert into usage_events (${COLUMNS})
      select ts, 'gen_o', 'gen_far', 'live', 'openai', 'm', '/chat/completions', 200, 7, 1, 0, 0.01, 90, null, false, false
      from unnest(array[${["2001-01-05", "2001-01-06", "2001-03-01", "2002-07-07", "2003-01-01", "2040-02-01", "2040-02-02", "2041-05-05"]
        .map((d) => `timestamptz '${d}T10:00:00Z'`)
        .join(", ")}]) as ts`);
    // Their rollups, as the recorder writes them with the events.
    for (const [table, bucket] of [
      ["usage_hourly", "date_trunc('hour', ts, 'UTC')"],
      ["usage_daily", "(ts at time zone 'UTC')::date"],
    ]) {
      await query(`insert into ${table} select owner_id, ${bucket}, key_id, min(environment), provider, model, count(*),
          count(*) filter (where status >= 400), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
          coalesce(sum(cost_usd), 0), count(*) filter (where cost_usd is null)
        from usage_events where key_id like 'gen_%' group by 1, 2, 3, 5, 6`);
    }
    const [def] = await query<{ n: number }>("select count(*)::int as n from usage_events_default where key_id = 'gen_far'");
    expect(def.n).toBe(8);
    const kept = await digest(`ts >= ${at(CUTOFF)}`);
    const old = await digest(`ts < ${at(CUTOFF)}`);
    expect(old.n).toBeGreaterThan(20_000);
    const rollups = await rollupTotals();
    const partitions = await listEventPartitions(db);
    const wholeOld = partitions.filter((p) => !p.isDefault && p.toMs !== null && p.toMs <= CUTOFF.getTime()).map((p) => p.name);
    expect(wholeOld.length).toBeGreaterThanOrEqual(5);

    // A run stops at its bounds (two partitions, three batches of 500 events) and says so.
    const first = await runUsageMaintenance({
      now: NOW,
      retentionDays: RETENTION_DAYS,
      limits: { batchRows: 500, maxBatches: 3, pauseMs: 0, maxDrops: 2 },
    });
    expect(first?.prune).toMatchObject({ dropped: wholeOld.slice(0, 2), batches: 3, more: true, problems: [] });
    expect(first!.prune!.deleted).toBeGreaterThan(500);
    expect(first!.prune!.deleted).toBeLessThanOrEqual(1_500);
    const left = await digest(`ts < ${at(CUTOFF)}`);
    expect(left.n).toBeGreaterThan(0);

    // The next runs finish the job.
    let runs = 0;
    let last = first;
    while (last?.prune?.more && runs++ < 10) {
      last = await runUsageMaintenance({ now: NOW, retentionDays: RETENTION_DAYS, limits: { batchRows: 500, pauseMs: 0 } });
    }
    expect(last?.prune?.more).toBe(false);

    expect((await digest(`ts < ${at(CUTOFF)}`)).n).toBe(0);
    expect(await digest(`ts >= ${at(CUTOFF)}`)).toEqual(kept);
    expect(await rollupTotals()).toEqual(rollups);
    const remaining = await partitionNames();
    for (const name of wholeOld) expect(remaining).not.toContain(name);
    // Dropped, not only detached.
    const tables = await query<{ n: number }>(`select count(*)::int as n from pg_class
      where relname in (${wholeOld.map((n) => `'${n}'`).join(", ")})`);
    expect(tables[0].n).toBe(0);
    const [future] = await query<{ n: number }>("select count(*)::int as n from usage_events_default where key_id = 'gen_far'");
    expect(future.n).toBe(3);

    // Nothing left to do: a run finds nothing, in one batch per partition it looks at.
    const again = await runUsageMaintenance({ now: NOW, retentionDays: RETENTION_DAYS });
    expect(again?.prune).toMatchObject({ dropped: [], deleted: 0, more: false });
  });

  it("keeps events of months without a partition in the default one, and moves them when their month's is made", async () => {
    const past = usageEvent("o_far", "k_far", { ts: new Date("1999-06-15T08:00:00Z"), inputTokens: 11 });
    const future = usageEvent("o_far", "k_far", { ts: new Date("2045-03-15T08:00:00Z"), inputTokens: 13 });
    await insertUsageBatch({ events: [past, future] });
    const where = (ts: Date) =>
      query<{ partition: string }>(`select tableoid::regclass::text as partition from usage_events
        where key_id = 'k_far' and ts = ${at(ts)}`);
    expect(await where(past.ts)).toEqual([{ partition: "usage_events_default" }]);
    expect(await where(future.ts)).toEqual([{ partition: "usage_events_default" }]);

    const made = await ensureEventPartitions(await getDb(), new Date("2045-03-01T00:00:00Z"));
    expect(made).toEqual({
      created: ["usage_events_2045_03", "usage_events_2045_04", "usage_events_2045_05", "usage_events_2045_06"],
      moved: 1,
      problems: [],
    });
    expect(await where(future.ts)).toEqual([{ partition: "usage_events_2045_03" }]);
    expect(await where(past.ts)).toEqual([{ partition: "usage_events_default" }]);
    const [sum] = await query<{ n: number }>("select sum(input_tokens)::int as n from usage_events where key_id = 'k_far'");
    expect(sum.n).toBe(24);
  });

  it("makes the coming months' partitions ahead of need, once", async () => {
    const now = new Date(NOW.getTime() + 730 * DAY_MS);
    const expected = [0, 1, 2, 3].map((i) => monthPartition(now, i));
    const made = await ensureEventPartitions(await getDb(), now);
    expect(made.created).toEqual(expected.map((m) => m.name));
    expect(await partitionNames()).toEqual(expect.arrayContaining(expected.map((m) => m.name)));
    const bounds = (await listEventPartitions(await getDb())).filter((p) => made.created.includes(p.name));
    expect(bounds.map((p) => [p.fromMs, p.toMs])).toEqual(expected.map((m) => [m.from.getTime(), m.to.getTime()]));
    expect((await ensureEventPartitions(await getDb(), now)).created).toEqual([]);

    // An event of such a month lands in its partition, not the default one.
    const e = usageEvent("o_next", "k_next", { ts: new Date(expected[2].from.getTime() + 3_600_000) });
    await insertUsageBatch({ events: [e] });
    const [row] = await query<{ p: string }>("select tableoid::regclass::text as p from usage_events where key_id = 'k_next'");
    expect(row.p).toBe(expected[2].name);
  });

  it.skipIf(process.env.DATABASE_URL)("on the embedded database, analyzes a partition when new and when grown by half", async () => {
    // The embedded database has no autovacuum; without statistics a key's request list sorted all its events.
    const month = monthPartition(new Date(NOW.getTime() + 1_200 * DAY_MS));
    await ensureEventPartitions(await getDb(), month.from, 0);
    const fill = (n: number) =>
      query(`insert into usage_events (${COLUMNS}) select ${at(month.from)} + i * interval '1 second', 'o_stats', 'k_stats', 'live',
        'openai', 'm', '/chat/completions', 200, 1, 1, 0, 0.001, 90, null, false, false from generate_series(1, ${n}) as i`);
    const analyzed = async () => {
      const [r] = await query<{ n: number }>(`select reltuples::float8 as n from pg_class where relname = '${month.name}'`);
      return r.n;
    };
    const run = async () => (await runUsageMaintenance({ now: NOW, retentionDays: 0 }))?.analyzed;
    await run(); // whatever the earlier tests left to analyze
    await fill(3_000);
    expect(await analyzed()).toBe(-1);
    expect(await run()).toEqual([month.name]);
    expect(await analyzed()).toBe(3_000);
    await fill(1_000); // a third more: not yet
    expect(await run()).toEqual([]);
    await fill(20_000);
    expect(await run()).toEqual([month.name]);
    expect(await analyzed()).toBe(24_000);
  });

  it.skipIf(!process.env.DATABASE_URL)("on Postgres, runs one instance at a time (advisory lock)", async () => {
    const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await other.connect();
    try {
      await other.query("select pg_advisory_lock($1)", [MAINTENANCE_LOCK_ID]);
      expect(await runUsageMaintenance({ now: NOW, retentionDays: RETENTION_DAYS })).toBeNull();
      await other.query("select pg_advisory_unlock($1)", [MAINTENANCE_LOCK_ID]);
      expect(await runUsageMaintenance({ now: NOW, retentionDays: RETENTION_DAYS })).not.toBeNull();
    } finally {
      await other.end();
    }
  });

  it("runs on the server's timer with USAGE_RETENTION_DAYS, logs one line with its counts, and stops", async () => {
    process.env.USAGE_RETENTION_DAYS = "30";
    resetEnv();
    const lines: string[] = [];
    const before = usageMaintenanceRuns();
    startUsageMaintenance({ firstMs: 0, log: (l) => lines.push(l) });
    for (let i = 0; i < 200 && usageMaintenanceRuns() === before; i++) await new Promise((r) => setTimeout(r, 50));
    await stopUsageMaintenance();
    delete process.env.USAGE_RETENTION_DAYS;
    resetEnv();
    expect(usageMaintenanceRuns()).toBe(before + 1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /usage maintenance: .*retention 30 days, events before \S+: dropped \d+ partitions?.*, deleted [1-9]\d* events in \d+ batch(es)?/,
    );
    const cutoff = new Date(Date.now() - 31 * DAY_MS);
    expect((await digest(`ts < ${at(cutoff)}`)).n).toBe(0);
  });
});
