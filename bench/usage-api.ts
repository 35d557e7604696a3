// Benchmark of the usage queries over one million events (not a test: figures, no assertions).
//   npm run bench:usage                       embedded PGlite in a fresh temporary directory
//   DATABASE_URL=postgres://… npm run bench:usage   real Postgres (use a scratch database)
//   npm run bench:usage -- --events 200000 --runs 10
// Events are generated in bulk with SQL (generate_series) and rolled up the way the
// recorder does, so the figures are for the read side: the usage API and dashboard queries.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { benchCaller } from "./lib/caller";

const { values } = parseArgs({
  options: { events: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" } },
});
const EVENTS = Number(values.events);
const RUNS = Number(values.runs);

const tempDir = process.env.DATABASE_URL ? null : mkdtempSync(join(tmpdir(), "neuronedge-bench-"));
if (tempDir) process.env.DATA_DIR = tempDir;
process.env.BCRYPT_COST ??= "4";

const { getDb, closeDb } = await import("@/db/client");
const { migrateDatabase } = await import("@/db/migrate");
const { keyActivity } = await import("@/db/queries/usage-read");
const { keyRequestPage } = await import("@/db/queries/usage-requests");
const { createKey } = await import("@/lib/keys/service");
const { parseUsageQuery, queryUsage, usageCsv, usageJson } = await import("@/lib/usage/query");

await migrateDatabase();
const db = await getDb();
const caller = benchCaller();
const { ownerId } = caller;
const keys: string[] = [];
for (let i = 0; i < 20; i++) keys.push((await createKey(caller, { name: `key ${i}`, environment: i < 16 ? "live" : "test" })).id);

const models = [
  "gpt-5.2",
  "gpt-5-mini",
  "claude-sonnet-5-5",
  "claude-haiku-4-5",
  "gemini-2.5-flash",
  "mistral-large-latest",
  "llama-3.3-70b",
  "deepseek-chat",
];
const providers = ["openai", "openai", "anthropic", "anthropic", "google", "mistral", "groq", "deepseek"];

console.log(`generating ${EVENTS.toLocaleString()} events over 90 days for 20 keys (${process.env.DATABASE_URL ? "Postgres" : "PGlite"})…`);
let t = performance.now();
const keyArray = sql.raw(`array[${keys.map((k) => `'${k}'`).join(",")}]`);
const modelArray = sql.raw(`array[${models.map((m) => `'${m}'`).join(",")}]`);
const providerArray = sql.raw(`array[${providers.map((m) => `'${m}'`).join(",")}]`);
const CHUNK = 250_000;
for (let done = 0; done < EVENTS; done += CHUNK) {
  const n = Math.min(CHUNK, EVENTS - done);
  await db.execute(sql`
    insert into usage_events (ts, owner_id, key_id, environment, provider, model, endpoint, status, input_tokens,
                              output_tokens, cached_input_tokens, cost_usd, latency_ms, ttfb_ms, streamed, aborted)
    select now() - random() * interval '90 days', ${ownerId}, (${keyArray})[1 + i % 20],
           case when i % 20 >= 16 then 'test' else 'live' end,
           (${providerArray})[1 + i % 8], (${modelArray})[1 + i % 8], '/chat/completions',
           case when i % 50 = 0 then 500 else 200 end,
           100 + (i % 900), 10 + (i % 300), (i % 4) * 25, ((100 + (i % 900)) * 1.25 + (10 + (i % 300)) * 10) / 1e6,
           50 + i % 2000, 20 + i % 500, i % 2 = 0, false
    from generate_series(${done + 1}::int, ${done + n}::int) as i`);
}
await db.execute(sql`
  insert into usage_daily (owner_id, day, key_id, environment, provider, model, requests, errors, input_tokens,
                           output_tokens, cached_input_tokens, cost_usd, unpriced_requests)
  select owner_id, (ts at time zone 'UTC')::date, key_id, min(environment), provider, model, count(*),
         count(*) filter (where status >= 400), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
         coalesce(sum(cost_usd), 0), count(*) filter (where cost_usd is null)
  from usage_events where owner_id = ${ownerId}
  group by owner_id, (ts at time zone 'UTC')::date, key_id, provider, model`);
await db.execute(sql`analyze usage_events`);
await db.execute(sql`analyze usage_daily`);
console.log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

async function time(label: string, fn: () => Promise<unknown>) {
  await fn(); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))].toFixed(1);
  console.log(`${label.padEnd(52)} p50 ${p(0.5).padStart(7)} ms   p95 ${p(0.95).padStart(7)} ms`);
}

const api = (query: string) => async () => {
  const q = await parseUsageQuery(ownerId, new URLSearchParams(query));
  const rows = await queryUsage(q.filter, q.groupBy);
  return q.format === "csv" ? usageCsv(rows, q.groupBy) : JSON.stringify(usageJson(rows, q.groupBy, q.filter.range));
};
const today = new Date().toISOString().slice(0, 10);
const from90 = new Date(Date.now() - 89 * 86_400_000).toISOString().slice(0, 10);
const range = `from=${from90}&to=${today}`;
const dayAgo = new Date(Date.now() - 86_400_000).toISOString();

console.log(`usage API over ${EVENTS.toLocaleString()} events, ${RUNS} runs each`);
await time("90 d, group_by=day (totals chart)", api(`${range}&environment=live`));
await time("90 d, group_by=day,key (stacked by key)", api(`${range}&environment=live&group_by=day,key`));
await time("90 d, group_by=model (breakdown)", api(`${range}&environment=live&group_by=model`));
await time("90 d, group_by=day,key,model, CSV", api(`${range}&group_by=day,key,model&format=csv`));
await time("90 d, one key, group_by=day", api(`${range}&key_id=${keys[3]}`));
await time("last 24 h (raw events), group_by=day,key", api(`from=${dayAgo}&environment=live&group_by=day,key`));
await time("key page: 20 recent requests", () => keyRequestPage({ ownerId, keyId: keys[3], cursor: null, limit: 20 }));
await time("key page: anomaly check (last hour vs week)", () => keyActivity({ ownerId, keyId: keys[3], now: new Date() }));

await closeDb();
if (tempDir) rmSync(tempDir, { recursive: true, force: true });
