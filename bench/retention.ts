// Benchmark of raw-event retention (not a test: figures, no assertions).
//   npx tsx bench/retention.ts                                  embedded PGlite in a temporary directory
//   DATABASE_URL=postgres://…/scratch npx tsx bench/retention.ts   real Postgres (a scratch database: it is emptied)
//   npx tsx bench/retention.ts --events 200000 --days 100
// Builds the database as it was before migration 0007, generates events over 240 days with SQL,
// migrates (timed), then runs maintenance back to back until nothing older than --days is left,
// with the event loop's longest stall measured throughout: on the embedded database a statement
// holds the loop (and so the gateway) for as long as it runs. Then, embedded only, writes the same
// 1,000-event COPY batches into an unpartitioned (0006) and a partitioned (0007) table side by side.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";

const { values } = parseArgs({ options: { events: { type: "string", default: "1000000" }, days: { type: "string", default: "100" } } });
const EVENTS = Number(values.events);
const DAYS = Number(values.days);
const embedded = !process.env.DATABASE_URL;
const tempDir = embedded ? mkdtempSync(join(tmpdir(), "neuronedge-bench-")) : null;
if (tempDir) process.env.DATA_DIR = tempDir;

const { getDb, closeDb } = await import("@/db/client");
const { migrateDatabase } = await import("@/db/migrate");
const { runUsageMaintenance } = await import("@/lib/usage/retention");
const { migrationsBefore } = await import("@/testing/scratch-database");

const COLUMNS = `ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens, output_tokens,
  cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted`;
const GENERATED = (from: number, to: number) => `select now() - i * interval '1 second' * ${(240 * 86_400) / EVENTS},
    'bench_o', 'bench_k' || i % 20, 'live', 'openai', 'm' || i % 8, '/chat/completions', case when i % 50 = 0 then 500 else 200 end,
    100 + i % 900, 10 + i % 300, (i % 4) * 25, (100 + i % 900) * 0.00000125, 50 + i % 2000, 20 + i % 500, i % 2 = 0, false
  from generate_series(${from}, ${to}) as i`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const db = await getDb();
const before = migrationsBefore("0007_usage_partitions");
if (embedded) {
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(db as never, { migrationsFolder: before.folder });
} else {
  await db.execute(sql`drop schema if exists drizzle cascade; drop schema public cascade; create schema public`);
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  await migrate(db as never, { migrationsFolder: before.folder });
}
before.remove();

console.log(`generating ${EVENTS.toLocaleString()} events over 240 days (${embedded ? "PGlite" : "Postgres"})…`);
let t = performance.now();
for (let done = 0; done < EVENTS; done += 250_000) {
  await db.execute(sql.raw(`insert into usage_events (${COLUMNS}) ${GENERATED(done + 1, Math.min(done + 250_000, EVENTS))}`));
}
console.log(`generated in ${seconds(performance.now() - t)}`);

t = performance.now();
await migrateDatabase();
console.log(`migration 0007 (every event moved into its month's partition): ${seconds(performance.now() - t)}`);
await db.execute(sql`analyze usage_events`);

// Each batch statement's own time, from the driver's query method (both drivers run them outside a transaction).
const batchMs: number[] = [];
const timeBatches = (proto: { query: (...args: never[]) => Promise<unknown> }) => {
  const query = proto.query;
  proto.query = function (this: unknown, ...args: never[]) {
    const text = String((args[0] as unknown as { text?: string })?.text ?? args[0]);
    if (!text.includes("with d as (delete")) return query.apply(this, args);
    const started = performance.now();
    return query.apply(this, args).finally(() => batchMs.push(performance.now() - started));
  };
};
if (embedded) timeBatches((await import("@electric-sql/pglite")).PGlite.prototype as never);
else timeBatches((await import("pg")).default.Client.prototype as never);

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
t = performance.now();
const totals = { runs: 0, dropped: 0, deleted: 0, batches: 0, longestRunMs: 0 };
for (let more = true; more && totals.runs < 1_000; ) {
  const started = performance.now();
  const report = await runUsageMaintenance({ retentionDays: DAYS });
  totals.longestRunMs = Math.max(totals.longestRunMs, performance.now() - started);
  totals.runs++;
  totals.dropped += report?.prune?.dropped.length ?? 0;
  totals.deleted += report?.prune?.deleted ?? 0;
  totals.batches += report?.prune?.batches ?? 0;
  more = report?.prune?.more ?? false;
}
loop.disable();
const [left] = ((await db.execute(sql.raw("select count(*)::int as n from usage_events"))) as unknown as { rows: { n: number }[] }).rows;
console.log(
  `retention ${DAYS} days: ${totals.runs} runs back to back in ${seconds(performance.now() - t)} (longest ${seconds(totals.longestRunMs)}): ` +
    `dropped ${totals.dropped} partitions, deleted ${totals.deleted.toLocaleString()} events in ${totals.batches} batches; ${left.n.toLocaleString()} events kept`,
);
batchMs.sort((x, y) => x - y);
const pct = (q: number) => (batchMs[Math.min(batchMs.length - 1, Math.floor(q * batchMs.length))] ?? 0).toFixed(1);
console.log(`one batch statement: p50 ${pct(0.5)} ms, longest ${pct(1)} ms (${batchMs.length} timed)`);
console.log(
  `event loop during retention: longest stall ${(loop.max / 1e6).toFixed(1)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(1)} ms`,
);
await closeDb();
if (tempDir) rmSync(tempDir, { recursive: true, force: true });

if (embedded) {
  // The write path's cost of partitioning: COPY batches into both schemas, alternately, in memory.
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  const old = migrationsBefore("0007_usage_partitions");
  const targets = { unpartitioned: new PGlite(), partitioned: new PGlite() };
  await migrate(drizzle(targets.unpartitioned), { migrationsFolder: old.folder });
  await migrate(drizzle(targets.partitioned), { migrationsFolder: join(process.cwd(), "db", "migrations") });
  old.remove();
  const ms = { unpartitioned: 0, partitioned: 0 };
  const ROUNDS = 150;
  for (let round = 0; round < ROUNDS; round++) {
    let csv = "";
    for (let j = 0; j < 1_000; j++) {
      const ts = new Date(Date.now() - (ROUNDS - round) * 60_000 + j * 50).toISOString();
      csv += `${ts},"o_${j % 20}","k_${j % 200}",live,"openai","gpt-5.2","/chat/completions",200,100,20,0,0.0005,120,80,false,false\n`;
    }
    for (const name of ["unpartitioned", "partitioned"] as const) {
      const s = performance.now();
      await targets[name].query(`copy usage_events (${COLUMNS}) from '/dev/blob' (format csv)`, [], { blob: new Blob([csv]) });
      if (round >= 20) ms[name] += performance.now() - s;
    }
  }
  const per = (name: keyof typeof ms) => (ms[name] / (ROUNDS - 20)).toFixed(2);
  console.log(
    `COPY of 1,000 events: unpartitioned ${per("unpartitioned")} ms, partitioned ${per("partitioned")} ms ` +
      `(${(ms.partitioned / ms.unpartitioned).toFixed(2)}x), ${ROUNDS - 20} batches each, alternating`,
  );
  await Promise.all(Object.values(targets).map((p) => p.close()));
}
