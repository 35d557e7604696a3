import { and, eq, gte, lt, type SQL, sql } from "drizzle-orm";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { usageDaily, usageEvents, usageHourly } from "@/db/schema";
import { resetEnv } from "@/lib/env";
import { createKey } from "@/lib/keys/service";
import { mulberry32 } from "@/lib/prng";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { type UsageDimension, type UsageFilter, type UsageRange, usageByHour, usageGroups } from "./usage-read";
import { insertUsageBatch } from "./usage-write";

// Every range, key and filter must sum exactly what its raw events sum, however the read is split
// between daily rollups, hourly rollups and raw events, and however many statements it takes.

useDatabase();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.UTC(2026, 0, 25); // data from Jan 25 to Mar 8: two month ends
const END = Date.UTC(2026, 2, 8);
const MODELS = [
  { provider: "openai", model: "gpt-5.2" },
  { provider: "anthropic", model: "claude-sonnet-5-5" },
  { provider: "openai", model: "Zeta-Model" }, // upper case: ordered by the database's collation
];

const caller = testCaller();
const keys: { id: string; environment: "live" | "test" }[] = [];
const stamps: number[] = [];

beforeAll(async () => {
  for (const [name, environment] of [
    ["a", "live"],
    ["B", "live"],
    ["c", "test"],
  ] as const) {
    keys.push({ id: (await createKey(caller, { name, environment })).id, environment });
  }
  const random = mulberry32(7);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const events = Array.from({ length: 4000 }, (_, i) => {
    // Some events exactly on an hour or a day, or a millisecond before one.
    const at = START + Math.floor(random() * (END - START));
    const ts = i % 10 === 0 ? at - (at % HOUR) : i % 17 === 0 ? at - (at % DAY) : i % 23 === 0 ? at - (at % DAY) - 1 : at;
    stamps.push(ts);
    const key = pick(keys);
    return usageEvent(caller.ownerId, key.id, {
      ts: new Date(ts),
      environment: key.environment,
      ...pick(MODELS),
      status: pick([200, 200, 200, 429, 500]),
      inputTokens: Math.floor(random() * 5000),
      outputTokens: Math.floor(random() * 900),
      cachedInputTokens: Math.floor(random() * 100),
      costUsd: random() < 0.1 ? null : Math.floor(random() * 1e7) / 1e10,
    });
  });
  for (let i = 0; i < events.length; i += 500) await insertUsageBatch({ events: events.slice(i, i + 500) });
});

afterEach(() => {
  delete process.env.USAGE_READ_SLICE_ROWS;
  resetEnv();
});

type Column = UsageDimension | "hour";

/** The brute force: the raw events of the range, grouped and ordered in SQL as the reads were before. */
async function fromEvents(f: UsageFilter, columns: Column[]) {
  const t = usageEvents;
  const exprs: Record<Column, SQL> = {
    day: sql`((${t.ts} at time zone 'UTC')::date)::text`,
    hour: sql`to_char(date_trunc('hour', ${t.ts}, 'UTC') at time zone 'UTC', 'YYYY-MM-DD"T"HH24":00:00Z"')`,
    key: sql`${t.keyId}`,
    provider: sql`${t.provider}`,
    model: sql`${t.model}`,
    environment: sql`${t.environment}`,
  };
  const r = f.range;
  const [from, to] =
    r.kind === "days" ? [new Date(`${r.from}T00:00:00Z`), new Date(Date.parse(`${r.to}T00:00:00Z`) + DAY)] : [r.from, r.to];
  const by = Object.fromEntries(columns.map((c) => [c === "key" ? "keyId" : c, exprs[c]]));
  const n = (x: SQL) => sql`coalesce(${x}, 0)::float8`.mapWith(Number);
  const db = await getDb();
  return db
    .select({
      ...by,
      requests: n(sql`count(*)`),
      errors: n(sql`count(*) filter (where ${t.status} >= 400)`),
      inputTokens: n(sql`sum(${t.inputTokens})`),
      outputTokens: n(sql`sum(${t.outputTokens})`),
      cachedInputTokens: n(sql`sum(${t.cachedInputTokens})`),
      costUsd: n(sql`sum(${t.costUsd})`),
      unpricedRequests: n(sql`count(*) filter (where ${t.costUsd} is null)`),
    })
    .from(t)
    .where(
      and(
        eq(t.ownerId, f.ownerId),
        f.keyId ? eq(t.keyId, f.keyId) : undefined,
        f.provider ? eq(t.provider, f.provider) : undefined,
        f.model ? eq(t.model, f.model) : undefined,
        f.environment ? eq(t.environment, f.environment) : undefined,
        gte(t.ts, from),
        lt(t.ts, to),
      ),
    )
    .groupBy(...Object.values(by))
    .orderBy(...Object.values(by));
}

const withoutNames = <R extends { keyName?: unknown }>(rows: R[]) => rows.map(({ keyName: _, ...r }) => r);

const iso = (ms: number) => new Date(ms).toISOString();
const instants = (from: number, to: number): UsageRange => ({ kind: "instants", from: new Date(from), to: new Date(to) });

/** Ranges at every granularity: whole days, whole hours, event timestamps, any millisecond. */
function randomRanges(count: number, random: () => number): UsageRange[] {
  const ranges: UsageRange[] = [];
  const span = END - START + 4 * DAY;
  const snap = (ms: number) => {
    const kind = Math.floor(random() * 4);
    if (kind === 0) return ms - (ms % DAY);
    if (kind === 1) return ms - (ms % HOUR);
    if (kind === 2) return stamps[Math.floor(random() * stamps.length)];
    return ms;
  };
  const lengths = [20 * 60_000, 3 * HOUR, 20 * HOUR, 2.5 * DAY, 12 * DAY, 45 * DAY];
  while (ranges.length < count) {
    const from = snap(START - 2 * DAY + Math.floor(random() * span));
    const to = snap(from + Math.floor(random() * lengths[Math.floor(random() * lengths.length)]));
    if (to > from) ranges.push(instants(from, to));
  }
  return ranges;
}

const FIXED: UsageRange[] = [
  instants(Date.UTC(2026, 0, 31), Date.UTC(2026, 1, 1)), // exactly one day, the last of January
  instants(Date.UTC(2026, 1, 1), Date.UTC(2026, 2, 1)), // exactly February
  instants(Date.UTC(2026, 1, 27, 13), Date.UTC(2026, 2, 2, 13)), // whole hours across a month end
  instants(Date.UTC(2026, 1, 10, 10, 15), Date.UTC(2026, 1, 10, 10, 45)), // inside one hour
  instants(Date.UTC(2026, 1, 10, 10, 30), Date.UTC(2026, 1, 10, 11, 30)), // across one hour boundary
  instants(Date.UTC(2026, 1, 10, 23, 30), Date.UTC(2026, 1, 11, 0, 30)), // across midnight, no whole hour
  instants(Date.UTC(2026, 1, 10, 23, 59, 59, 999), Date.UTC(2026, 1, 12, 0, 0, 0, 1)), // a millisecond past whole days
  instants(Date.UTC(2026, 1, 10, 5), Date.UTC(2026, 1, 10, 6)), // exactly one hour
  instants(START - DAY, END + DAY), // everything
  instants(Date.UTC(2026, 5, 1), Date.UTC(2026, 5, 30)), // nothing
  { kind: "days", from: "2026-01-31", to: "2026-03-01" },
  { kind: "days", from: "2026-02-14", to: "2026-02-14" },
];

const GROUPINGS: UsageDimension[][] = [
  [],
  ["day"],
  ["key"],
  ["model"],
  ["day", "key"],
  ["day", "key", "model"],
  ["provider", "environment"],
  ["environment", "model", "day"],
];

describe("a usage read over daily rollups, hourly rollups and raw events", () => {
  it("sums exactly what the raw events sum, for every range, grouping and filter, in the same order", async () => {
    const random = mulberry32(42);
    const ranges = [...FIXED, ...randomRanges(70, random)];
    const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
    for (const [i, range] of ranges.entries()) {
      const key = random() < 0.3 ? pick(keys) : undefined;
      const m = random() < 0.25 ? pick(MODELS) : undefined;
      const filter: UsageFilter = {
        ownerId: caller.ownerId,
        range,
        keyId: key?.id,
        model: m?.model,
        provider: random() < 0.15 ? pick(MODELS).provider : undefined,
        environment: random() < 0.15 ? pick(["live", "test"] as const) : undefined,
      };
      // A statement a row, a few, or the default: the walk must not drop or double a row at a slice's end.
      const slice = pick(["1", "3", "17", "250", undefined]);
      if (slice === "1" && range.kind === "instants" && range.to.getTime() - range.from.getTime() > 3 * DAY) continue;
      if (slice) process.env.USAGE_READ_SLICE_ROWS = slice;
      else delete process.env.USAGE_READ_SLICE_ROWS;
      resetEnv();
      const groupBy = i < FIXED.length ? GROUPINGS[i % GROUPINGS.length] : pick(GROUPINGS);
      const what = `${range.kind === "days" ? `${range.from}..${range.to}` : `${iso(+range.from)}..${iso(+range.to)}`} by [${groupBy}] ${JSON.stringify({ ...filter, range: undefined, ownerId: undefined })} slice ${slice}`;
      expect(withoutNames(await usageGroups({ filter, groupBy })), what).toEqual(await fromEvents(filter, groupBy));
      if (range.kind === "instants" && range.to.getTime() - range.from.getTime() <= 3 * DAY) {
        const byKey = random() < 0.5;
        const hours = await usageByHour({ filter, byKey });
        expect(withoutNames(hours), `${what}, by hour`).toEqual(await fromEvents(filter, byKey ? ["hour", "key"] : ["hour"]));
      }
    }
  });

  it("answers whole days from the daily rollups, and ranges under a day and reads by hour never from them", async () => {
    const c = testCaller();
    const k = await createKey(c, { name: "k", environment: "live" });
    const day = Date.UTC(2026, 3, 10);
    const ts = [-1.5, 0.5, 3.25, 23.5, 24.5, 30, 47.9, 48.2].map((h) => new Date(day + h * HOUR));
    await insertUsageBatch({ events: ts.map((t) => usageEvent(c.ownerId, k.id, { ts: t })) });
    const db = await getDb();
    // The daily rollups say ten times more than the hours and events: whatever reads them shows it.
    await db
      .update(usageDaily)
      .set({ requests: sql`${usageDaily.requests} * 10` })
      .where(eq(usageDaily.ownerId, c.ownerId));
    const total = async (from: number, to: number) =>
      (await usageGroups({ filter: { ownerId: c.ownerId, range: instants(from, to) }, groupBy: [] }))[0].requests;
    // Apr 9 22:00 to Apr 12 01:00: the two whole days (Apr 10, 11) from the daily rollups, the rest not.
    expect(await total(day - 2 * HOUR, day + 49 * HOUR)).toBe(1 + 10 * 6 + 1);
    expect(await total(day + 0.25 * HOUR, day + 23.75 * HOUR)).toBe(3); // under a day
    expect(await total(day + 20 * HOUR, day + 44 * HOUR)).toBe(3); // a day long, but no whole UTC day
    const hours = await usageByHour({ filter: { ownerId: c.ownerId, range: instants(day - 2 * HOUR, day + 49 * HOUR) } });
    expect(hours.reduce((n, h) => n + h.requests, 0)).toBe(8);

    // And the whole hours outside those days come from the hourly rollups, not the events.
    await db.delete(usageEvents).where(and(eq(usageEvents.ownerId, c.ownerId), gte(usageEvents.ts, new Date(day - 2 * HOUR))));
    await db
      .delete(usageHourly)
      .where(and(eq(usageHourly.ownerId, c.ownerId), gte(usageHourly.hour, new Date(day)), lt(usageHourly.hour, new Date(day + 2 * DAY))));
    expect(await total(day - 2 * HOUR, day + 49 * HOUR)).toBe(1 + 10 * 6 + 1);
  });
});
