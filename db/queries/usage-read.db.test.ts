import { and, eq, gte, lt, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { usageEvents } from "@/db/schema";
import { createKey } from "@/lib/keys/service";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { keyActivity, usageByHour, usageGroups, type UsageFilter } from "./usage-read";
import { insertUsageBatch } from "./usage-write";

useDatabase();

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 10, 20, 0, 0, 0);
const at = (hours: number) => new Date(T0 + hours * HOUR);

/** What the raw events of [from, to) sum to, per key and model: the answer every range must give. */
async function fromEvents(ownerId: string, from: Date, to: Date) {
  const db = await getDb();
  const t = usageEvents;
  const rows = await db
    .select({
      keyId: t.keyId,
      model: t.model,
      requests: sql`count(*)::float8`.mapWith(Number),
      errors: sql`(count(*) filter (where ${t.status} >= 400))::float8`.mapWith(Number),
      inputTokens: sql`sum(${t.inputTokens})::float8`.mapWith(Number),
      costUsd: sql`coalesce(sum(${t.costUsd}), 0)::float8`.mapWith(Number),
      unpricedRequests: sql`(count(*) filter (where ${t.costUsd} is null))::float8`.mapWith(Number),
    })
    .from(t)
    .where(and(eq(t.ownerId, ownerId), gte(t.ts, from), lt(t.ts, to)))
    .groupBy(t.keyId, t.model)
    .orderBy(t.keyId, t.model);
  return rows;
}

describe("usage over a range with a time of day", () => {
  it("sums exactly what its raw events sum, partial first and last hours included", async () => {
    const caller = testCaller();
    const keys = [await createKey(caller, { name: "a", environment: "live" }), await createKey(caller, { name: "b", environment: "live" })];
    let seed = 11;
    const next = () => (seed = (seed * 48271) % 2147483647);
    // 30 hours of traffic, and events exactly on the hour and on the range ends below.
    const stamps = Array.from({ length: 500 }, () => new Date(T0 + (next() % (30 * HOUR))));
    stamps.push(at(5), at(10), at(10.25), at(20.5), new Date(at(20.5).getTime() - 1));
    const events = stamps.map((ts) =>
      usageEvent(caller.ownerId, keys[next() % 2].id, {
        ts,
        model: ["m1", "m2"][next() % 2],
        status: next() % 7 === 0 ? 500 : 200,
        inputTokens: next() % 3000,
        costUsd: next() % 5 === 0 ? null : (next() % 100_000) / 1e7,
      }),
    );
    await insertUsageBatch({ events: events.slice(0, 200) });
    await insertUsageBatch({ events: events.slice(200) });

    const ranges: [number, number][] = [
      [10.25, 20.5], // both ends inside an hour
      [5, 20.5], // whole first hour
      [10.25, 21], // whole last hour
      [5, 10], // whole hours only
      [10.25, 10.75], // inside one hour
      [10.5, 11.5], // across one hour boundary, no whole hour
      [-1, 31], // everything
    ];
    for (const [a, b] of ranges) {
      const filter: UsageFilter = { ownerId: caller.ownerId, range: { kind: "instants", from: at(a), to: at(b) } };
      const want = await fromEvents(caller.ownerId, at(a), at(b));
      const got = await usageGroups({ filter, groupBy: ["key", "model"] });
      expect(
        got.map((r) => ({
          keyId: r.keyId,
          model: r.model,
          requests: r.requests,
          errors: r.errors,
          inputTokens: r.inputTokens,
          unpricedRequests: r.unpricedRequests,
        })),
        `${a}h to ${b}h`,
      ).toEqual(want.map(({ costUsd: _, ...r }) => r));
      for (const [i, r] of got.entries()) expect(r.costUsd, `${a}h to ${b}h`).toBeCloseTo(want[i].costUsd, 9);

      // Per hour: the first and last buckets hold only their part of the hour.
      const hours = await usageByHour({ filter });
      expect(
        hours.reduce((n, h) => n + h.requests, 0),
        `${a}h to ${b}h`,
      ).toBe(want.reduce((n, r) => n + r.requests, 0));
      const firstHour = hours.find((h) => h.hour === at(Math.floor(a)).toISOString().replace(".000Z", "Z"));
      const firstHourEvents = events.filter((e) => e.ts >= at(a) && e.ts < at(Math.min(b, Math.floor(a) + 1))).length;
      expect(firstHour?.requests ?? 0, `${a}h to ${b}h, first hour`).toBe(firstHourEvents);
    }

    // Filters apply to both sources: one key, one model.
    const one: UsageFilter = {
      ownerId: caller.ownerId,
      keyId: keys[1].id,
      model: "m2",
      range: { kind: "instants", from: at(3.3), to: at(27.9) },
    };
    const [total] = await usageGroups({ filter: one, groupBy: [] });
    const expected = events.filter((e) => e.keyId === keys[1].id && e.model === "m2" && e.ts >= at(3.3) && e.ts < at(27.9)).length;
    expect(total.requests).toBe(expected);
  });

  it("reads whole hours from the hourly rollups, not the raw events", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "a", environment: "live" });
    const events = [at(1.5), at(2.5), at(3.5), at(4.5)].map((ts) => usageEvent(caller.ownerId, k.id, { ts }));
    await insertUsageBatch({ events });
    // Raw events of a whole hour gone (as when old events are pruned): the rollups still count them.
    const db = await getDb();
    await db.delete(usageEvents).where(and(eq(usageEvents.keyId, k.id), gte(usageEvents.ts, at(2)), lt(usageEvents.ts, at(4))));
    const [sum] = await usageGroups({
      filter: { ownerId: caller.ownerId, range: { kind: "instants", from: at(1), to: at(4.75) } },
      groupBy: [],
    });
    expect(sum.requests).toBe(4);
  });
});

describe("a key's activity for the anomaly notice", () => {
  it("counts the last hour from the events and the week before it, to the minute, from the rollups", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "a", environment: "live" });
    const other = await createKey(caller, { name: "other", environment: "live" });
    const now = new Date(Date.UTC(2026, 10, 27, 15, 40, 0));
    const ago = (h: number) => new Date(now.getTime() - h * HOUR);
    const events = [
      // the last hour: 3 requests, 2 failed
      ...[0.1, 0.5, 0.99].map((h, i) => usageEvent(caller.ownerId, k.id, { ts: ago(h), status: i < 2 ? 503 : 200 })),
      // the week before it, partial hours at both ends included: 5 requests, 1 failed
      ...[1.01, 1.5, 30, 100, 168.9].map((h, i) => usageEvent(caller.ownerId, k.id, { ts: ago(h), status: i === 2 ? 500 : 200 })),
      // outside the week, and another key's traffic: not counted
      usageEvent(caller.ownerId, k.id, { ts: ago(169.1) }),
      usageEvent(caller.ownerId, other.id, { ts: ago(0.5), status: 500 }),
      usageEvent(caller.ownerId, other.id, { ts: ago(50) }),
    ];
    await insertUsageBatch({ events });
    const activity = await keyActivity({ ownerId: caller.ownerId, keyId: k.id, now });
    expect(activity.lastHour).toEqual({ requests: 3, errors: 2 });
    expect(activity.baseline.requests).toBe(5);
    expect(activity.baseline.errors).toBe(1);
    expect(activity.baseline.hours).toBeCloseTo(167.9, 6); // from its first request in the week to an hour ago

    // A key first used 10 hours ago has 9 hours of baseline, not a week of it.
    const young = await createKey(caller, { name: "young", environment: "live" });
    await insertUsageBatch({
      events: [usageEvent(caller.ownerId, young.id, { ts: ago(10) }), usageEvent(caller.ownerId, young.id, { ts: ago(0.2) })],
    });
    const fresh = await keyActivity({ ownerId: caller.ownerId, keyId: young.id, now });
    expect(fresh).toEqual({ lastHour: { requests: 1, errors: 0 }, baseline: { requests: 1, errors: 0, hours: 9 } });
  });
});
