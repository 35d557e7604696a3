// Benchmark of a long usage range given as instants (not a test: figures, no assertions).
//   npm run bench:ranges                            embedded PGlite in a fresh temporary directory
//   DATABASE_URL=postgres://… npm run bench:ranges  real Postgres (a new scratch database: key ids are fixed)
//   npm run bench:ranges -- --days 90 --keys 40 --models 10 --runs 5
// It writes ~90 days of hourly rollups for keys × models (40 × 10: 864k rows), the daily rollups
// they sum to, and raw events for the partial hours at both ends, then times the usage API over
// that range given as ISO timestamps, and the longest the event loop was held during each read:
// today's read against the one before it (./lib/usage-before.ts), in turn, on the same data.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import type { UsageDimension, UsageFilter } from "@/db/queries/usage-read";
import { benchCaller } from "./lib/caller";

const { values } = parseArgs({
  options: {
    days: { type: "string", default: "90" },
    keys: { type: "string", default: "40" },
    models: { type: "string", default: "10" },
    events: { type: "string", default: "20000" },
    runs: { type: "string", default: "5" },
    only: { type: "string" },
    // Rows a statement walks (USAGE_READ_SLICE_ROWS), each in turn: "2000,5000"; the reads before had no slices.
    "slice-rows": { type: "string", default: "" },
  },
});
const DAYS = Number(values.days);
const KEYS = Number(values.keys);
const MODELS = Number(values.models);
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);

const tempDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), "neuronedge-ranges-"));
if (tempDir) process.env.DATA_DIR = tempDir;
process.env.BCRYPT_COST ??= "4";

const { getDb, closeDb } = await import("@/db/client");
const { migrateDatabase } = await import("@/db/migrate");
const { createKey } = await import("@/lib/keys/service");
const { usageByHour, usageGroups } = await import("@/db/queries/usage-read");
const { usageGroupsBefore } = await import("./lib/usage-before");

await migrateDatabase();
const db = await getDb();
const caller = benchCaller();
const { ownerId } = caller;
const keys: string[] = [];
// Fixed ids (mixed case, as real ids are), so that answers from two runs can be compared.
for (let i = 0; i < KEYS; i++) {
  const { id } = await createKey(caller, { name: `key ${i}`, environment: "live" });
  const fixed = `key_${i % 2 ? "B" : "a"}${String(i).padStart(11, "0")}`;
  await db.execute(sql`update api_keys set id = ${fixed} where id = ${id}`);
  keys.push(fixed);
}
const models = Array.from({ length: MODELS }, (_, i) => `model-${i}`);

// The range: 90 days and a few hours, with a partial hour at each end, crossing month ends.
const HOUR = 3_600_000;
const to = new Date(Date.UTC(2026, 11, 1, 13, 20, 0));
const from = new Date(to.getTime() - DAYS * 24 * HOUR - 2.7 * HOUR);
const firstHour = new Date(Math.floor(from.getTime() / HOUR) * HOUR);
const lastHour = new Date(Math.floor(to.getTime() / HOUR) * HOUR);
const label = process.env.DATABASE_URL ? "Postgres" : "PGlite";
const arr = (xs: string[]) => sql.raw(`array[${xs.map((x) => `'${x}'`).join(",")}]::text[]`);

console.log(`generating ${DAYS} days of hourly rollups for ${KEYS} keys × ${MODELS} models, and ${EVENTS} events (${label})…`);
const t = performance.now();
// Raw events in the first and last hours, which are partial in the range.
await db.execute(sql`
  insert into usage_events (ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens,
                            output_tokens, cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted)
  select case when i % 2 = 0 then ${firstHour.toISOString()}::timestamptz else ${lastHour.toISOString()}::timestamptz end
           + (i % 3600) * interval '1 second',
         ${ownerId}, (${arr(keys)})[1 + i % ${KEYS}], 'live', 'openai', (${arr(models)})[1 + (i / ${KEYS}) % ${MODELS}],
         '/chat/completions', case when i % 50 = 0 then 500 else 200 end, 100 + i % 900, 10 + i % 300, (i % 4) * 25,
         case when i % 97 = 0 then null else ((100 + i % 900) * 1.25 + (10 + i % 300) * 10) / 1e6 end,
         50, 20, false, false
  from generate_series(1, ${EVENTS}::int) as i`);
// Every other hour's rollups, one row per key and model; the two end hours are summed from their events.
const CHUNK_HOURS = 240;
const hours = Math.round((lastHour.getTime() - firstHour.getTime()) / HOUR) - 1;
for (let done = 0; done < hours; done += CHUNK_HOURS) {
  const n = Math.min(CHUNK_HOURS, hours - done);
  await db.execute(sql`
    insert into usage_hourly (owner_id, hour, key_id, environment, provider, model, requests, errors, input_tokens,
                              output_tokens, cached_input_tokens, cost_usd, unpriced_requests)
    select ${ownerId}, ${firstHour.toISOString()}::timestamptz + h * interval '1 hour', k, 'live', 'openai', m,
           10 + (h + length(k) + length(m)) % 7, (h % 3), 1000 + h, 100 + h % 50, h % 4, (h % 1000) / 1e4 + 0.0000012345, h % 2
    from generate_series(${done + 1}::int, ${done + n}::int) as h, unnest(${arr(keys)}) as k, unnest(${arr(models)}) as m`);
}
await db.execute(sql`
  insert into usage_hourly (owner_id, hour, key_id, environment, provider, model, requests, errors, input_tokens,
                            output_tokens, cached_input_tokens, cost_usd, unpriced_requests)
  select owner_id, date_trunc('hour', ts, 'UTC'), key_id, min(environment), provider, model, count(*),
         count(*) filter (where status >= 400), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
         coalesce(sum(cost_usd), 0), count(*) filter (where cost_usd is null)
  from usage_events where owner_id = ${ownerId} group by 1, 2, 3, 5, 6`);
await db.execute(sql`
  insert into usage_daily (owner_id, day, key_id, environment, provider, model, requests, errors, input_tokens,
                           output_tokens, cached_input_tokens, cost_usd, unpriced_requests)
  select owner_id, (hour at time zone 'UTC')::date, key_id, min(environment), provider, model, sum(requests), sum(errors),
         sum(input_tokens), sum(output_tokens), sum(cached_input_tokens), sum(cost_usd), sum(unpriced_requests)
  from usage_hourly where owner_id = ${ownerId} group by 1, 2, 3, 5, 6`);
for (const table of ["usage_events", "usage_hourly", "usage_daily"]) await db.execute(sql.raw(`analyze ${table}`));
const count = async (table: string) =>
  Number(((await db.execute(sql.raw(`select count(*)::int as n from ${table}`))) as unknown as { rows: { n: number }[] }).rows[0].n);
console.log(
  `generated in ${((performance.now() - t) / 1000).toFixed(1)} s: ${(await count("usage_hourly")).toLocaleString()} hourly rows, ` +
    `${(await count("usage_daily")).toLocaleString()} daily rows, ${(await count("usage_events")).toLocaleString()} events\n`,
);

/** The read's wall time, CPU time, and the longest the event loop went without running a 1 ms timer meanwhile. */
async function measure(fn: () => Promise<unknown>): Promise<{ ms: number; cpuMs: number; heldMs: number }> {
  let last = performance.now();
  let held = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    held = Math.max(held, now - last);
    last = now;
  }, 1);
  const cpu = process.cpuUsage();
  const start = performance.now();
  await fn();
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(probe);
  held = Math.max(held, performance.now() - last);
  return { ms, cpuMs: (used.user + used.system) / 1000, heldMs: held };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const idle = await measure(() => new Promise((resolve) => setTimeout(resolve, 1000)));
console.log(`the loop's longest pause over 1 s of doing nothing (the machine's noise): ${idle.heldMs.toFixed(0)} ms\n`);

const f = (o: Partial<UsageFilter> = {}): UsageFilter => ({ ownerId, range: { kind: "instants", from, to }, ...o });
const lastDay = { kind: "instants" as const, from: new Date(to.getTime() - 24 * HOUR), to };
const week = {
  kind: "days" as const,
  from: new Date(to.getTime() - 6 * 24 * HOUR).toISOString().slice(0, 10),
  to: to.toISOString().slice(0, 10),
};
const cases: [string, UsageFilter, (UsageDimension | "hour")[]][] = [
  ["group_by=day (the totals chart)", f(), ["day"]],
  ["group_by=day,key (stacked by key)", f(), ["day", "key"]],
  ["group_by=model (the breakdown)", f(), ["model"]],
  ["group_by=day,key,model (the CSV's rows)", f(), ["day", "key", "model"]],
  ["one key, group_by=day", f({ keyId: keys[3] }), ["day"]],
  ["dashboard, last 24 h by hour and key", f({ range: lastDay }), ["hour", "key"]],
  ["dashboard, last 7 days (dates) by day and key", f({ range: week }), ["day", "key"]],
];
const { resetEnv } = await import("@/lib/env");
const fmt = (x: number) => x.toFixed(0).padStart(5);
for (const slice of values["slice-rows"] ? values["slice-rows"].split(",") : [""]) {
  if (slice) process.env.USAGE_READ_SLICE_ROWS = slice;
  resetEnv();
  console.log(`${label}: ${from.toISOString()} to ${to.toISOString()}${slice ? `, ${slice} rows a statement` : ""}`);
  console.log(`medians of ${RUNS} runs, before and after in turn: wall ms, CPU ms of this process, longest loop hold ms`);
  for (const [name, filter, groupBy] of cases) {
    if (values.only && !name.includes(values.only)) continue;
    const before = () => usageGroupsBefore({ filter, groupBy });
    const hours = groupBy[0] === "hour";
    const after = () => (hours ? usageByHour({ filter, byKey: true }) : usageGroups({ filter, groupBy: groupBy as UsageDimension[] }));
    // The same rows in the same order, with the same fields (in whatever order each code sets them); also the warm-up.
    const canonical = (rows: object[]) => JSON.stringify(rows.map((r) => Object.entries(r).sort(([a], [b]) => (a < b ? -1 : 1))));
    const same = canonical(await before()) === canonical(await after());
    const runs = { before: [] as Awaited<ReturnType<typeof measure>>[], after: [] as Awaited<ReturnType<typeof measure>>[] };
    for (let i = 0; i < RUNS; i++) {
      runs.before.push(await measure(before));
      runs.after.push(await measure(after));
    }
    const m = (r: typeof runs.before) => [median(r.map((x) => x.ms)), median(r.map((x) => x.cpuMs)), median(r.map((x) => x.heldMs))];
    const [b, a] = [m(runs.before), m(runs.after)];
    console.log(
      `${name.padEnd(46)} before ${fmt(b[0])} ${fmt(b[1])} ${fmt(b[2])}   after ${fmt(a[0])} ${fmt(a[1])} ${fmt(a[2])}` +
        `   ${(b[0] / a[0]).toFixed(1)}x faster, hold ${(b[2] / a[2]).toFixed(1)}x shorter${same ? "" : "   ANSWERS DIFFER"}`,
    );
  }
}

await closeDb();
if (tempDir) rmSync(tempDir, { recursive: true, force: true });
