import { describe, expect, it } from "vitest";
import type { UsageSums } from "@/db/queries/usage-read";
import { filterChoices, keyTotals, onlyChosen, type ModelRow } from "./breakdown";
import type { BucketKeyRow } from "./chart-series";

const ZERO: UsageSums = { requests: 0, errors: 0, inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0, unpricedRequests: 0 };
const row = (bucket: string, keyId: string, over: Partial<UsageSums>, keyName: string | null = keyId): BucketKeyRow => ({
  ...ZERO,
  ...over,
  bucket,
  keyId,
  keyName,
});
const model = (provider: string, name: string, over: Partial<UsageSums> = {}): ModelRow => ({
  ...ZERO,
  requests: 1,
  ...over,
  provider,
  model: name,
});

describe("per-key totals", () => {
  it("sums each key over the buckets, most cost first, with its share of the cost", () => {
    const keys = [
      { id: "a", name: "Web", prefix: "ne_test_aaaa", revoked: false },
      { id: "b", name: "Batch", prefix: "ne_test_bbbb", revoked: true },
    ];
    const totals = keyTotals(
      [
        row("2026-11-01", "a", { requests: 2, inputTokens: 10, costUsd: 0.01 }),
        row("2026-11-02", "a", { requests: 1, outputTokens: 5, costUsd: 0.02 }),
        row("2026-11-01", "b", { requests: 4, costUsd: 0.09 }),
      ],
      keys,
    );
    expect(totals.map((t) => [t.label, t.requests, t.inputTokens + t.outputTokens, t.revoked])).toEqual([
      ["Batch", 4, 0, true],
      ["Web", 3, 15, false],
    ]);
    expect(totals[0].costShare).toBeCloseTo(0.75);
    expect(totals[1].costShare).toBeCloseTo(0.25);
  });

  it("keys that share a name say which is which by prefix; a share is unknown when nothing had a price", () => {
    const keys = [
      { id: "a", name: "Jobs", prefix: "ne_live_aaaa", revoked: false },
      { id: "b", name: "Jobs", prefix: "ne_live_bbbb", revoked: false },
    ];
    const totals = keyTotals(
      [row("d", "a", { requests: 1 }), row("d", "b", { requests: 2 }), row("d", "gone", { requests: 1 }, null)],
      keys,
    );
    expect(totals.map((t) => t.label).sort()).toEqual(["Jobs (ne_live_aaaa…)", "Jobs (ne_live_bbbb…)", "gone"]);
    expect(totals.every((t) => t.costShare === null)).toBe(true);
  });

  it("leaves out keys without requests", () => {
    expect(keyTotals([row("d", "a", { requests: 0 })], [])).toEqual([]);
  });
});

describe("provider and model choices", () => {
  const used = [model("openai", "gpt-4o-mini"), model("anthropic", "claude-haiku-4-5"), model("openai", "gpt-4o")];

  it("list what was used, sorted; a chosen provider narrows the models", () => {
    expect(filterChoices(used, {})).toEqual({
      providers: ["anthropic", "openai"],
      models: [
        { provider: "anthropic", model: "claude-haiku-4-5" },
        { provider: "openai", model: "gpt-4o" },
        { provider: "openai", model: "gpt-4o-mini" },
      ],
    });
    expect(filterChoices(used, { provider: "openai" }).models.map((m) => m.model)).toEqual(["gpt-4o", "gpt-4o-mini"]);
  });

  it("keep a chosen provider and model that nothing used, so a shared link shows its choice", () => {
    const c = filterChoices(used, { provider: "gemini", model: "gemini-2.5-flash" });
    expect(c.providers).toContain("gemini");
    expect(c.models).toEqual([{ provider: "gemini", model: "gemini-2.5-flash" }]);
  });

  it("the breakdown keeps only the chosen provider and model", () => {
    expect(onlyChosen(used, { provider: "openai" }).map((m) => m.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
    expect(onlyChosen(used, { provider: "openai", model: "gpt-4o" }).map((m) => m.model)).toEqual(["gpt-4o"]);
    expect(onlyChosen(used, {})).toHaveLength(3);
  });
});
