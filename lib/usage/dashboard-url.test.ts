import { describe, expect, it } from "vitest";
import { csvHref, dashboardHref, paramsRange, parseDashboardState, rangeLabel, rangePhrase, viewScope } from "./dashboard-url";

// The overview's URL state: custom dates, provider and model, and the links that keep them.

const NOW = new Date("2026-11-20T10:00:00Z");
const parse = (sp: Record<string, string | string[]>) => parseDashboardState(sp, NOW);

describe("a custom date range", () => {
  it("from and to (UTC days) replace the preset, and the range covers both days", () => {
    const { params, error, attempted } = parse({ from: "2026-11-01", to: "2026-11-15", range: "30d" });
    expect(error).toBeNull();
    expect(attempted).toBeNull();
    expect(params.custom).toEqual({ from: "2026-11-01", to: "2026-11-15" });
    expect(paramsRange(params, NOW)).toEqual({ kind: "days", from: "2026-11-01", to: "2026-11-15" });
    expect(rangeLabel(params)).toBe("Nov 1, 2026 – Nov 15, 2026");
    expect(rangePhrase(params)).toBe("from Nov 1, 2026 to Nov 15, 2026");
    expect(rangePhrase(parse({ from: "2026-11-03", to: "2026-11-03" }).params)).toBe("on Nov 3, 2026");
    expect(rangePhrase(parse({ range: "90d" }).params)).toBe("in the last 90 days");
  });

  it("a start date alone runs to today", () => {
    expect(parse({ from: "2026-11-18" }).params.custom).toEqual({ from: "2026-11-18", to: "2026-11-20" });
  });

  it.each([
    [{ from: "2026-11-15", to: "2026-11-01" }, "The start date Nov 15, 2026 is after the end date Nov 1, 2026."],
    [{ from: "2025-01-01", to: "2026-11-15" }, "A custom range spans at most 366 days; Jan 1, 2025 to Nov 15, 2026 is 684."],
    [{ from: "2026-11-01", to: "2026-11-21" }, "The end date Nov 21, 2026 is in the future; the latest is today, Nov 20, 2026 (UTC)."],
    [{ from: "2026-02-30", to: "2026-03-01" }, "The start date “2026-02-30” is not a date (YYYY-MM-DD)."],
    [{ from: "1999-12-31", to: "2000-01-02" }, "The start date Dec 31, 1999 is before Jan 1, 2000, when usage starts."],
    [{ to: "2026-11-01" }, "Choose a start date for the custom range."],
  ])("a bad range %j says why in plain words and falls back to the preset", (sp, message) => {
    const { params, error, attempted } = parse({ ...sp, range: "30d" });
    expect(error).toBe(`${message} Showing the last 30 days instead.`);
    expect(attempted).toEqual({ from: "from" in sp ? sp.from : "", to: sp.to ?? "" });
    expect(params.custom).toBeNull();
    expect(params.range).toBe("30d");
  });

  it("366 days is the longest range; today is the latest end", () => {
    expect(parse({ from: "2025-11-20", to: "2026-11-20" }).error).toBeNull();
    expect(parse({ from: "2025-11-19", to: "2026-11-20" }).error).toMatch(/at most 366 days/);
  });
});

describe("provider and model", () => {
  it("are read from the URL; a model without its provider is ignored", () => {
    expect(parse({ provider: "openai", model: "gpt-4o-mini" }).params).toMatchObject({ provider: "openai", model: "gpt-4o-mini" });
    expect(parse({ model: "gpt-4o-mini" }).params).toMatchObject({ provider: null, model: null });
    expect(parse({ provider: "x".repeat(201) }).params.provider).toBeNull();
    expect(parse({ provider: "open\u0000ai" }).params.provider).toBeNull();
  });
});

describe("links keep the view", () => {
  it("the page's own link round-trips every parameter", () => {
    const sp = { from: "2026-11-01", to: "2026-11-15", key: "key_1", env: "test", provider: "anthropic", model: "claude-haiku-4-5" };
    const href = dashboardHref(parse(sp).params);
    expect(href).toBe("/dashboard?from=2026-11-01&to=2026-11-15&key=key_1&env=test&provider=anthropic&model=claude-haiku-4-5");
    expect(parse(Object.fromEntries(new URL(href, "http://x").searchParams)).params).toEqual(parse(sp).params);
  });

  it("a preset link drops the custom dates; the plain view stays /dashboard", () => {
    const { params } = parse({ from: "2026-11-01", to: "2026-11-15" });
    expect(dashboardHref({ ...params, range: "24h", custom: null })).toBe("/dashboard?range=24h");
    expect(dashboardHref(parse({}).params)).toBe("/dashboard");
    // Callers that know only range, key and environment still get a link.
    expect(dashboardHref({ range: "30d", keyId: "key_1", env: "live" })).toBe("/dashboard?range=30d&key=key_1");
  });

  it("the CSV asks for the same range, key, provider and model", () => {
    const q = new URL(
      csvHref({ kind: "days", from: "2026-11-01", to: "2026-11-15" }, "key_1", "test", { provider: "openai", model: "gpt-4o" }),
      "http://x",
    ).searchParams;
    expect(Object.fromEntries(q)).toMatchObject({
      from: "2026-11-01",
      to: "2026-11-15",
      key_id: "key_1",
      environment: "test",
      provider: "openai",
      model: "gpt-4o",
    });
    expect(
      new URL(csvHref({ kind: "days", from: "2026-11-01", to: "2026-11-15" }, null, "live"), "http://x").searchParams.has("provider"),
    ).toBe(false);
  });

  it("the stats say what they cover", () => {
    expect(viewScope(parse({ env: "test", provider: "openai", model: "gpt-4o-mini" }).params, null)).toBe(
      "Test keys · openai · gpt-4o-mini · last 7 days",
    );
    expect(viewScope(parse({ range: "24h" }).params, "Batch")).toBe("Key “Batch” · last 24 hours");
  });
});
