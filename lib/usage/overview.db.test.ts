import { describe, expect, it } from "vitest";
import { listKeys } from "@/db/queries/keys";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { createKey } from "@/lib/keys/service";
import { loadOverview } from "@/lib/usage/dashboard";
import { parseDashboardParams } from "@/lib/usage/dashboard-url";
import { testCaller, uniqueOwner, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";

// The overview's filters on real rollups: provider and model narrow every number and table, the
// selects still offer every model used, and a custom range reads whole UTC days.

useDatabase();

const NOW = new Date("2026-11-20T10:00:00Z");

async function twoKeysOfTraffic() {
  const ownerId = uniqueOwner("user_overview");
  const caller = testCaller(ownerId);
  const web = await createKey(caller, { name: "Web", environment: "live" });
  const batch = await createKey(caller, { name: "Batch", environment: "live" });
  const ev = (keyId: string, day: string, provider: string, model: string, costUsd: number) =>
    usageEvent(ownerId, keyId, { ts: new Date(`${day}T09:00:00Z`), provider, model, costUsd });
  await insertUsageBatch({
    events: [
      ev(web.id, "2026-11-19", "openai", "gpt-4o-mini", 0.0002),
      ev(web.id, "2026-11-19", "openai", "gpt-4o-mini", 0.0002),
      ev(web.id, "2026-11-10", "anthropic", "claude-opus-4-1", 0.05),
      ev(batch.id, "2026-11-19", "anthropic", "claude-opus-4-1", 0.05),
    ],
  });
  const keys = await listKeys({ ownerId, includeRevoked: true });
  const load = (sp: Record<string, string>) => loadOverview({ ownerId, params: parseDashboardParams(sp, NOW), keys, now: NOW });
  return { web, batch, load };
}

describe("the overview's filters", () => {
  it("a model filter narrows the totals, the per-key table, the models and the CSV; the selects keep every model", async () => {
    const { web, load } = await twoKeysOfTraffic();
    const all = await load({ range: "30d" });
    expect(all.totals.requests).toBe(4);
    expect(all.keyTotals.map((k) => [k.label, k.requests])).toEqual([
      ["Web", 3],
      ["Batch", 1],
    ]);

    const mini = await load({ range: "30d", provider: "openai", model: "gpt-4o-mini" });
    expect(mini.totals.requests).toBe(2);
    expect(mini.totals.costUsd).toBeCloseTo(0.0004);
    expect(mini.keyTotals.map((k) => [k.id, k.requests, k.costShare])).toEqual([[web.id, 2, 1]]);
    expect(mini.models.map((m) => m.model)).toEqual(["gpt-4o-mini"]);
    expect(mini.series.map((s) => s.name)).toEqual(["Web"]);
    expect(mini.choices.providers).toEqual(["anthropic", "openai"]);
    expect(mini.choices.models).toEqual([{ provider: "openai", model: "gpt-4o-mini" }]);
    expect(mini.csvHref).toContain("provider=openai&model=gpt-4o-mini");

    const anthropic = await load({ range: "30d", provider: "anthropic" });
    expect(anthropic.totals.requests).toBe(2);
    expect(anthropic.keyTotals).toHaveLength(2);
  });

  it("a custom range counts only its days, and the chart has one point per day", async () => {
    const { load } = await twoKeysOfTraffic();
    const data = await load({ from: "2026-11-15", to: "2026-11-20" });
    expect(data.params.custom).toEqual({ from: "2026-11-15", to: "2026-11-20" });
    expect(data.points.map((p) => p.bucket)).toEqual(["2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"]);
    expect(data.totals.requests).toBe(3); // the Nov 10 call is outside
    expect(data.rangeLabel).toBe("Nov 15, 2026 – Nov 20, 2026");
    expect(data.csvHref).toContain("from=2026-11-15&to=2026-11-20");
  });
});
