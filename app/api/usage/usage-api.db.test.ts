import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { usageDaily, usageEvents } from "@/db/schema";
import { createKey } from "@/lib/keys/service";
import type { UsageEvent } from "@/lib/usage/recorder";
import { usageEvent } from "@/testing/usage-events";
import { call } from "@/testing/api";
import { enableTestClerk, type TestClerk } from "@/testing/clerk";
import { testCaller, uniqueOwner, useDatabase } from "@/testing/db";

useDatabase();

let clerk: TestClerk;
beforeAll(async () => {
  clerk = await enableTestClerk();
});
afterAll(() => clerk.restore());

const as = async (sub: string) => ({ authorization: `Bearer ${await clerk.sessionToken({ sub })}` });

const owner = (ownerId: string) => testCaller(ownerId);

const event = usageEvent;

/** One owner with two keys and a known week of traffic. */
async function seedOwner() {
  const user = uniqueOwner("user_usage");
  const web = await createKey(owner(user), { name: "Web app", environment: "live" });
  const batch = await createKey(owner(user), { name: "Batch jobs", environment: "live" });
  const dev = await createKey(owner(user), { name: "Dev", environment: "test" });
  const events: UsageEvent[] = [
    event(user, web.id, { ts: new Date("2026-03-10T08:00:00Z") }),
    event(user, web.id, { ts: new Date("2026-03-10T23:59:59Z"), inputTokens: 50, outputTokens: 5, costUsd: 0.00025 }),
    event(user, web.id, { ts: new Date("2026-03-11T00:00:00Z"), status: 500, inputTokens: 0, outputTokens: 0, costUsd: 0 }),
    event(user, batch.id, {
      ts: new Date("2026-03-12T10:00:00Z"),
      provider: "anthropic",
      model: "claude-sonnet-5-5",
      inputTokens: 1000,
      cachedInputTokens: 400,
      outputTokens: 300,
      costUsd: 0.0063,
    }),
    // A model with no price: tokens recorded, cost unknown.
    event(user, batch.id, { ts: new Date("2026-03-12T11:00:00Z"), model: "brand-new-model", costUsd: null }),
    event(user, dev.id, { ts: new Date("2026-03-12T12:00:00Z"), environment: "test", costUsd: 0 }),
  ];
  await insertUsageBatch({ events });
  return { user, web, batch, dev, events };
}

describe("GET /api/usage", () => {
  it("groups by day over the rollups, every day present, with totals", async () => {
    const { user } = await seedOwner();
    const res = await call("GET", "/api/usage?from=2026-03-09&to=2026-03-13&environment=live", { headers: await as(user) });
    expect(res.status).toBe(200);
    expect(res.json.data.map((r: { day: string }) => r.day)).toEqual([
      "2026-03-09",
      "2026-03-10",
      "2026-03-11",
      "2026-03-12",
      "2026-03-13",
    ]);
    expect(res.json.data[0]).toEqual({
      day: "2026-03-09",
      requests: 0,
      errors: 0,
      input_tokens: 0,
      output_tokens: 0,
      cached_input_tokens: 0,
      cost_usd: 0,
      unpriced_requests: 0,
    });
    // 23:59:59 UTC belongs to its own day, 00:00:00 to the next.
    expect(res.json.data[1]).toMatchObject({ requests: 2, errors: 0, input_tokens: 150, output_tokens: 25, cost_usd: 0.00075 });
    expect(res.json.data[2]).toMatchObject({ requests: 1, errors: 1, input_tokens: 0 });
    expect(res.json.data[3]).toMatchObject({ requests: 2, input_tokens: 1100, cached_input_tokens: 400, unpriced_requests: 1 });
    expect(res.json.totals).toEqual({
      requests: 5,
      errors: 1,
      input_tokens: 1250,
      output_tokens: 345,
      cached_input_tokens: 400,
      cost_usd: 0.00705,
      unpriced_requests: 1,
    });
  });

  it("keeps test keys' usage apart from live usage", async () => {
    const { user } = await seedOwner();
    const h = await as(user);
    const live = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31&environment=live", { headers: h });
    const test = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31&environment=test", { headers: h });
    const all = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31&group_by=environment", { headers: h });
    expect(live.json.totals.requests).toBe(5);
    expect(test.json.totals.requests).toBe(1);
    expect(all.json.data).toEqual([
      expect.objectContaining({ environment: "live", requests: 5 }),
      expect.objectContaining({ environment: "test", requests: 1 }),
    ]);
  });

  it("groups by key (with names), model and provider, and filters by each", async () => {
    const { user, web, batch } = await seedOwner();
    const h = await as(user);
    const range = "from=2026-03-01&to=2026-03-31&environment=live";
    const byKey = await call("GET", `/api/usage?${range}&group_by=key`, { headers: h });
    expect(byKey.json.data).toHaveLength(2);
    expect(byKey.json.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key_id: web.id, key_name: "Web app", requests: 3, errors: 1, input_tokens: 150 }),
        expect.objectContaining({ key_id: batch.id, key_name: "Batch jobs", requests: 2, input_tokens: 1100 }),
      ]),
    );
    const byModel = await call("GET", `/api/usage?${range}&group_by=model`, { headers: h });
    expect(byModel.json.data.map((r: { model: string }) => r.model)).toEqual(["brand-new-model", "claude-sonnet-5-5", "gpt-5.2"]);
    const byProvider = await call("GET", `/api/usage?${range}&group_by=provider`, { headers: h });
    expect(byProvider.json.data).toEqual([
      expect.objectContaining({ provider: "anthropic", requests: 1, output_tokens: 300 }),
      expect.objectContaining({ provider: "openai", requests: 4 }),
    ]);
    const oneKey = await call("GET", `/api/usage?${range}&group_by=model&key_id=${batch.id}`, { headers: h });
    expect(oneKey.json.totals.requests).toBe(2);
    const oneModel = await call("GET", `/api/usage?${range}&model=gpt-5.2&provider=openai`, { headers: h });
    expect(oneModel.json.totals.requests).toBe(3);
    const dayAndKey = await call("GET", `/api/usage?${range}&group_by=day,key`, { headers: h });
    expect(dayAndKey.json.data.map((r: { day: string; key_name: string }) => `${r.day} ${r.key_name}`)).toEqual(
      expect.arrayContaining(["2026-03-10 Web app", "2026-03-11 Web app", "2026-03-12 Batch jobs"]),
    );
  });

  it("answers timestamp ranges from the raw events, to the second", async () => {
    const { user } = await seedOwner();
    const res = await call("GET", "/api/usage?from=2026-03-10T08:00:00Z&to=2026-03-11T00:00:00Z&environment=live&group_by=day", {
      headers: await as(user),
    });
    expect(res.status).toBe(200);
    expect(res.json.range).toEqual({ from: "2026-03-10T08:00:00.000Z", to: "2026-03-11T00:00:00.000Z" });
    expect(res.json.data).toEqual([expect.objectContaining({ day: "2026-03-10", requests: 2, input_tokens: 150 })]);
  });

  it("returns the same rows as CSV with a header line", async () => {
    const { user, web, batch } = await seedOwner();
    const res = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31&environment=live&group_by=key&format=csv", {
      headers: await as(user),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="neuronedge-usage-2026-03-01-to-2026-03-31-by-key.csv"');
    // One key's CSV is named after the key, as the key page downloads it.
    const one = await call("GET", `/api/usage?from=2026-03-01&to=2026-03-31&key_id=${batch.id}&group_by=day&format=csv`, {
      headers: await as(user),
    });
    expect(one.headers.get("content-disposition")).toBe(
      'attachment; filename="neuronedge-usage-batch-jobs-2026-03-01-to-2026-03-31-by-day.csv"',
    );
    const lines = res.text.trimEnd().split("\r\n");
    expect(lines[0]).toBe("key_id,key_name,requests,errors,input_tokens,output_tokens,cached_input_tokens,cost_usd,unpriced_requests");
    expect(lines.slice(1).sort()).toEqual(
      [`${web.id},Web app,3,1,150,25,0,0.00075,0`, `${batch.id},Batch jobs,2,0,1100,320,400,0.0063,1`].sort(),
    );
  });

  it("refuses bad dates and ranges with 400 naming the parameter", async () => {
    const { user } = await seedOwner();
    const h = await as(user);
    for (const [query, param] of [
      ["from=yesterday", "from"],
      ["from=2026-02-30&to=2026-03-05", "from"],
      ["to=2026-13-01", "to"],
      ["from=2026-03-10&to=2026-03-01", "from"],
      ["from=2024-01-01&to=2026-01-01", "to"],
      ["group_by=week", "group_by"],
      ["format=xml", "format"],
      ["environment=staging", "environment"],
    ]) {
      const res = await call("GET", `/api/usage?${query}`, { headers: h });
      expect(res.status, query).toBe(400);
      expect(res.json.error, query).toMatchObject({ code: "bad_request", param });
    }
  });

  it("keeps each owner's usage to that owner; another owner's key id is 404", async () => {
    const a = await seedOwner();
    const b = await seedOwner();
    const res = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31", { headers: await as(b.user) });
    expect(res.json.totals.requests).toBe(6);
    const foreign = await call("GET", `/api/usage?from=2026-03-01&to=2026-03-31&key_id=${a.web.id}`, {
      headers: await as(b.user),
    });
    expect(foreign.status).toBe(404);
    expect(await call("GET", "/api/usage")).toMatchObject({ status: 401 });
  });

  it("a gateway key needs usage:read, and then sees its own owner's usage", async () => {
    const { user } = await seedOwner();
    const proxyOnly = await createKey(owner(user), { name: "proxy", environment: "live" });
    const reader = await createKey(owner(user), { name: "reader", environment: "live", permissions: ["usage:read"] });
    const refused = await call("GET", "/api/usage", { headers: { authorization: `Bearer ${proxyOnly.key}` } });
    expect(refused.status).toBe(403);
    const ok = await call("GET", "/api/usage?from=2026-03-01&to=2026-03-31", {
      headers: { authorization: `Bearer ${reader.key}` },
    });
    expect(ok.status).toBe(200);
    expect(ok.json.totals.requests).toBe(6);
  });

  it("rollups equal the raw events they summarise", async () => {
    const { user, events } = await seedOwner();
    // A second batch for the same keys and days lands on the same rollup rows.
    await insertUsageBatch({ events });
    const db = await getDb();
    const raw = await db
      .select({
        requests: sql`count(*)::float8`.mapWith(Number),
        input: sql`sum(${usageEvents.inputTokens})::float8`.mapWith(Number),
        output: sql`sum(${usageEvents.outputTokens})::float8`.mapWith(Number),
      })
      .from(usageEvents)
      .where(eq(usageEvents.ownerId, user));
    const rolled = await db
      .select({
        requests: sql`sum(${usageDaily.requests})::float8`.mapWith(Number),
        input: sql`sum(${usageDaily.inputTokens})::float8`.mapWith(Number),
        output: sql`sum(${usageDaily.outputTokens})::float8`.mapWith(Number),
      })
      .from(usageDaily)
      .where(and(eq(usageDaily.ownerId, user)));
    expect(rolled).toEqual(raw);
    expect(raw[0]).toEqual({ requests: 12, input: 2 * 1350, output: 2 * 365 });
  });

  it("refuses other methods with 405", async () => {
    const { user } = await seedOwner();
    const res = await call("POST", "/api/usage", { headers: await as(user), body: {} });
    expect(res.status).toBe(405);
  });
});
