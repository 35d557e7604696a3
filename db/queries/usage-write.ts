import { sql } from "drizzle-orm";
import type { PGlite } from "@electric-sql/pglite";
import { formatUsdUnits, usdUnits } from "../money";
import { getDb, getEmbeddedClient } from "../client";
import type { UsageEventRow } from "../schema";

type Event = Omit<UsageEventRow, "id">;

/** The embedded database's own client, for what drizzle does not do (COPY, ANALYZE). */

// The batch's columns with their types (for the JSON recordset), in the order both encodings
// below write them; EVENT_COLUMNS is the same list by name, for inserts and COPY.
const COLUMNS = `ts timestamptz, owner_id text, key_id text, environment text, provider text, model text, endpoint text,
  status int, input_tokens int, output_tokens int, cached_input_tokens int, cost_usd numeric, latency_ms int,
  ttfb_ms int, streamed boolean, aborted boolean`;
const EVENT_COLUMNS = COLUMNS.split(",")
  .map((column) => column.trim().split(" ")[0])
  .join(", ");

// A batch's rollups, summed here rather than in SQL: on the embedded database, finding and grouping
// the rows the COPY had just added cost several times the event-loop time of folding the batch's
// few groups (one per owner, hour, key, provider and model) here (docs/performance.md). Costs are summed
// exactly, in the events' own numeric(20,10) units (db/money.ts): a rollup is the sum of its
// stored events to the last digit. The hourly groups go in as they are, and summed by day into the
// daily rollups.
const DELTA_COLUMNS = `owner_id text, hour timestamptz, day date, key_id text, environment text, provider text, model text,
  requests bigint, errors bigint, input_tokens bigint, output_tokens bigint, cached_input_tokens bigint, cost_usd numeric,
  unpriced_requests bigint, last_ts timestamptz`;

interface HourlyDelta {
  owner_id: string;
  hour: string;
  day: string;
  key_id: string;
  environment: string;
  provider: string;
  model: string;
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: string;
  unpriced_requests: number;
  last_ts: string;
}

function hourlyDeltas(events: Event[]): HourlyDelta[] {
  const groups = new Map<string, Omit<HourlyDelta, "cost_usd"> & { cost: bigint }>();
  for (const e of events) {
    const ts = e.ts.toISOString();
    const hour = `${ts.slice(0, 13)}:00:00Z`; // the UTC hour
    // Postgres text cannot hold NUL, so it cannot occur inside a part of the key.
    const id = `${e.ownerId}\0${hour}\0${e.keyId}\0${e.provider}\0${e.model}`;
    let g = groups.get(id);
    if (!g) {
      g = {
        owner_id: e.ownerId,
        hour,
        day: ts.slice(0, 10),
        key_id: e.keyId,
        environment: e.environment,
        provider: e.provider,
        model: e.model,
        requests: 0,
        errors: 0,
        input_tokens: 0,
        output_tokens: 0,
        cached_input_tokens: 0,
        cost: 0n,
        unpriced_requests: 0,
        last_ts: ts,
      };
      groups.set(id, g);
    }
    g.requests++;
    if (e.status >= 400) g.errors++;
    g.input_tokens += e.inputTokens;
    g.output_tokens += e.outputTokens;
    g.cached_input_tokens += e.cachedInputTokens;
    if (e.costUsd === null || e.costUsd === undefined) g.unpriced_requests++;
    else g.cost += usdUnits(e.costUsd);
    if (e.environment < g.environment) g.environment = e.environment;
    if (ts > g.last_ts) g.last_ts = ts;
  }
  return [...groups.values()].map(({ cost, ...g }) => ({ ...g, cost_usd: formatUsdUnits(cost) }));
}

const SUMS = ["requests", "errors", "input_tokens", "output_tokens", "cached_input_tokens", "cost_usd", "unpriced_requests"];

/** Adds `rows` (a select of the rollup's columns in table order) to a rollup table, rows locked in key order. */
function foldInto(table: "usage_hourly" | "usage_daily", bucket: "hour" | "day", rows: string): string {
  return `insert into ${table} (owner_id, ${bucket}, key_id, environment, provider, model, ${SUMS.join(", ")})
      ${rows}
      order by 1, 2, 3, 5, 6
      on conflict (owner_id, ${bucket}, key_id, provider, model) do update set
        ${SUMS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(",\n        ")}`;
}

/**
 * Folds the deltas (a JSON parameter between the two halves) into the hourly and daily rollups,
 * rollup rows locked in a fixed order so concurrent batches never deadlock, and moves each key's
 * last_used_at.
 */
const FOLD_BEFORE = "d as (select * from json_to_recordset(";
const FOLD_AFTER = `::json) as x(${DELTA_COLUMNS})),
    hourly as (
      ${foldInto("usage_hourly", "hour", `select owner_id, hour, key_id, environment, provider, model, ${SUMS.join(", ")} from d`)}
    ),
    daily as (
      ${foldInto(
        "usage_daily",
        "day",
        `select owner_id, day, key_id, min(environment), provider, model, ${SUMS.map((c) => `sum(${c})`).join(", ")}
      from d group by owner_id, day, key_id, provider, model`,
      )}
    )
    update api_keys set last_used_at = greatest(api_keys.last_used_at, used.at)
    from (select key_id, max(last_ts) as at from d group by key_id) as used
    where api_keys.id = used.key_id`;

/**
 * Writes a batch of usage events, folds them into the hourly and daily rollups and moves each key's
 * last_used_at, atomically, and says how many rollup groups it had. On Postgres (and Neon's HTTP
 * driver) it is one statement, one round trip, the batch passed as JSON parameters.
 */
export async function insertUsageBatch({ events }: { events: Event[] }): Promise<BatchWritten> {
  const done = { groups: 0, wallMs: 0, cpuMs: 0 };
  if (events.length === 0) return done;
  const db = await getDb();
  const groups = hourlyDeltas(events);
  done.groups = groups.length;
  const embedded = await getEmbeddedClient();
  if (embedded) {
    await copyBatch(embedded, events, groups, done);
    return done;
  }
  const deltas = JSON.stringify(groups);
  const rows = JSON.stringify(
    events.map((e) => ({
      ts: e.ts.toISOString(),
      owner_id: e.ownerId,
      key_id: e.keyId,
      environment: e.environment,
      provider: e.provider,
      model: e.model,
      endpoint: e.endpoint,
      status: e.status,
      input_tokens: e.inputTokens,
      output_tokens: e.outputTokens,
      cached_input_tokens: e.cachedInputTokens,
      cost_usd: e.costUsd ?? null,
      latency_ms: e.latencyMs,
      ttfb_ms: e.ttfbMs ?? null,
      streamed: e.streamed,
      aborted: e.aborted,
    })),
  );
  await timed(done, () =>
    db.execute(
      sql`with ins as (insert into usage_events (${sql.raw(EVENT_COLUMNS)})
        select * from json_to_recordset(${rows}::json) as x(${sql.raw(COLUMNS)})),
      ${sql.raw(FOLD_BEFORE)}${deltas}${sql.raw(FOLD_AFTER)}`,
    ),
  );
  return done;
}

export interface BatchWritten {
  /** Rollup groups (owner, hour, key, provider, model) the batch folded. */
  groups: number;
  /** Time in the batch's statements: wall, and the process's CPU over them (on the embedded
   * database a statement holds the event loop throughout, so that CPU is its own). */
  wallMs: number;
  cpuMs: number;
}

/** Adds a statement's time to the batch's, leaving out what the loop did between statements. */
async function timed<T>(into: BatchWritten, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await run();
  } finally {
    const spent = process.cpuUsage(cpu);
    into.wallMs += performance.now() - started;
    into.cpuMs += (spent.user + spent.system) / 1000;
  }
}

/** A CSV field: always quoted (commas, quotes and newlines in a model name stay data); null is empty. */
const text = (v: string) => `"${v.replaceAll('"', '""')}"`;
const opt = (v: number | null | undefined) => (v === null || v === undefined ? "" : String(v));

/** Events (and rollup groups) a statement carries: on the embedded database each statement holds
 * the event loop, for some tens of ms at this size. */
const STATEMENT_EVENTS = 1_000;

/**
 * The most events the recorder puts in one batch. On Postgres a batch is one statement (Neon's HTTP
 * driver has no interactive transactions), its work done by the database's processes, not ours. On the embedded database a batch is one transaction of bounded
 * statements, so it may hold many seconds of traffic: with thousands of keys each seen once a
 * second, folding a longer window into its rollups updates each key's rows once, not each time.
 */
export async function usageBatchLimit(): Promise<number> {
  return (await getEmbeddedClient()) ? 50 * STATEMENT_EVENTS : STATEMENT_EVENTS;
}

function* chunks<T>(items: T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/**
 * The embedded database runs on the gateway's own event loop, where parsing a JSON batch costs
 * tens of µs an event: COPY parses CSV for a fraction of that, straight into usage_events. (A
 * staging table cost more a batch, in truncating it at commit.) One transaction, so the rollups
 * always match the events, of statements of bounded size, so requests are served between them.
 */
async function copyBatch(client: PGlite, events: Event[], deltas: HourlyDelta[], done: BatchWritten): Promise<void> {
  await client.transaction(async (tx) => {
    for (const part of chunks(events, STATEMENT_EVENTS)) {
      let csv = "";
      for (const e of part) {
        csv += `${e.ts.toISOString()},${text(e.ownerId)},${text(e.keyId)},${e.environment},${text(e.provider)},${text(e.model)},`;
        csv += `${text(e.endpoint)},${e.status},${e.inputTokens},${e.outputTokens},${e.cachedInputTokens},${opt(e.costUsd)},`;
        csv += `${e.latencyMs},${opt(e.ttfbMs)},${e.streamed},${e.aborted}\n`;
      }
      await timed(done, () =>
        tx.query(`copy usage_events (${EVENT_COLUMNS}) from '/dev/blob' (format csv)`, [], { blob: new Blob([csv]) }),
      );
    }
    // Each group is in one part only: a statement never updates a rollup row twice.
    for (const part of chunks(deltas, STATEMENT_EVENTS)) {
      await timed(done, () => tx.query(`with ${FOLD_BEFORE}$1${FOLD_AFTER}`, [JSON.stringify(part)]));
    }
  });
}

/**
 * The embedded database has no autovacuum, so nothing else ever analyzes its tables. Without
 * statistics the planner took a key's thousands of events for a handful and sorted them all for
 * the recent-requests list, tens of times slower than once analyzed. A tenth of the default
 * sample is plenty for these plans and keeps the pause on the event loop a few times shorter
 * (docs/performance.md). On Postgres autovacuum does this: nothing to do.
 */
export async function analyzeUsageTables(): Promise<void> {
  const embedded = await getEmbeddedClient();
  if (!embedded) return;
  await embedded.transaction(async (tx) => {
    await tx.exec("set local default_statistics_target = 10; analyze only usage_events, usage_hourly, usage_daily, api_keys");
  });
}

/** How many events usage_events held when last analyzed: -1 if never, null where it is not ours to do (Postgres). */
export async function usageEventsAnalyzedRows(): Promise<number | null> {
  const embedded = await getEmbeddedClient();
  if (!embedded) return null;
  const { rows } = await embedded.query<{ n: number }>("select reltuples::float8 as n from pg_class where relname = 'usage_events'");
  return rows[0]?.n ?? -1;
}
