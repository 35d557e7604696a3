import { describe, expect, it } from "vitest";
import type { KeyLimitState } from "@/lib/usage/key-state";
import { buildKeysListPage, keysListHref, listStatus, matchesSearch, parseListParams, type KeyListInput } from "./list-view";
import type { KeyView } from "./views";

let seq = 0;
function row(over: Partial<KeyView> = {}, extra: Partial<KeyListInput> = {}): KeyListInput {
  seq += 1;
  const id = over.id ?? `key_${String(seq).padStart(4, "0")}`;
  const key = {
    id,
    name: `Key ${seq}`,
    prefix: `ne_live_${id.slice(4, 10)}`,
    created_at: new Date(Date.UTC(2026, 0, 1) + seq * 60_000).toISOString(),
    last_used_at: null,
    environment: "live",
    status: "active",
    replaced_by: null,
    ...over,
  } as KeyView;
  return { key, ...extra };
}

const limit = (over: Partial<KeyLimitState>): KeyLimitState => ({
  keyId: "k",
  month: "2026-01",
  spentUsd: 0,
  budgetUsd: null,
  budgetReached: false,
  resetsAt: new Date(Date.UTC(2026, 1, 1)),
  refusals: { since: new Date(0), budget: 0, rateLimit: 0, allowList: 0 },
  ...over,
});

const names = (rows: { key: KeyView }[]) => rows.map((r) => r.key.name);
const view = (q: Record<string, string>) => parseListParams(q);

describe("keys list URL", () => {
  it("parses a view and writes it back without the defaults", () => {
    const p = view({ q: " prod ", env: "test", status: "budget", sort: "cost", page: "2", revoked: "1", size: "100" });
    expect(p).toEqual({ q: "prod", env: "test", status: "budget", sort: "cost", page: 2, revoked: true, size: 100 });
    expect(keysListHref(p)).toBe("/dashboard/keys?q=prod&env=test&status=budget&sort=cost&revoked=1&size=100&page=2");
    expect(keysListHref(view({}))).toBe("/dashboard/keys");
  });

  it("falls back to the default view for values it does not know", () => {
    expect(view({ env: "staging", status: "gone", sort: "random", page: "-3", revoked: "yes", size: "1000" })).toEqual(view({}));
    // Only the offered page sizes: a hand-edited URL cannot ask for every key on one page.
    expect(view({ size: "25" }).size).toBe(25);
    expect(view({ size: "51" }).size).toBe(50);
  });
});

describe("filtering", () => {
  const live = row({ name: "Billing worker" });
  const test = row({ name: "CI", environment: "test", prefix: "ne_test_Zq9abc" });
  const disabled = row({ name: "Paused", status: "disabled" });
  const revoked = row({ name: "Old", status: "revoked" });
  const spent = row({ name: "Spent" }, { limit: limit({ budgetReached: true, spentUsd: 2 }) });
  const all = [live, test, disabled, revoked, spent];

  it("hides revoked keys unless asked for by ?revoked=1 or the status filter", () => {
    expect(names(buildKeysListPage(all, view({})).rows)).not.toContain("Old");
    expect(names(buildKeysListPage(all, view({ revoked: "1" })).rows)).toContain("Old");
    expect(names(buildKeysListPage(all, view({ status: "revoked" })).rows)).toEqual(["Old"]);
  });

  it("tells a key whose budget is spent from an active one", () => {
    expect(listStatus(spent)).toBe("budget");
    expect(names(buildKeysListPage(all, view({ status: "budget" })).rows)).toEqual(["Spent"]);
    expect(names(buildKeysListPage(all, view({ status: "active" })).rows)).not.toContain("Spent");
  });

  it("filters by environment and searches names and prefixes, a pasted prefix's ellipsis included", () => {
    expect(names(buildKeysListPage(all, view({ env: "test" })).rows)).toEqual(["CI"]);
    expect(names(buildKeysListPage(all, view({ q: "BILLING" })).rows)).toEqual(["Billing worker"]);
    expect(matchesSearch(test.key, "ne_test_zq9…")).toBe(true);
    expect(matchesSearch(test.key, "ne_live_")).toBe(false);
  });
});

describe("sorting", () => {
  const a = row({ name: "beta", last_used_at: "2026-01-03T00:00:00Z" }, { usage: { requests: 5, tokens: 0, perDay: [] } });
  const b = row({ name: "Alpha" }, { limit: limit({ spentUsd: 9 }), usage: { requests: 50, tokens: 0, perDay: [] } });
  const c = row({ name: "key 10", last_used_at: "2026-01-05T00:00:00Z" }, { limit: limit({ spentUsd: 1 }) });
  const d = row({ name: "key 9" });
  const all = [a, b, c, d];
  const sorted = (sort: string) => names(buildKeysListPage(all, view({ sort })).rows);

  it("orders by each column the way a person expects", () => {
    expect(sorted("newest")).toEqual(["key 9", "key 10", "Alpha", "beta"]);
    expect(sorted("name")).toEqual(["Alpha", "beta", "key 9", "key 10"]);
    expect(sorted("last_used")).toEqual(["key 10", "beta", "key 9", "Alpha"]);
    expect(sorted("usage")).toEqual(["Alpha", "beta", "key 9", "key 10"]);
    expect(sorted("cost")).toEqual(["Alpha", "key 10", "key 9", "beta"]);
  });
});

describe("pages, collisions and successors", () => {
  it("cuts 120 keys into pages of 50 and clamps a page past the end", () => {
    const all = Array.from({ length: 120 }, () => row());
    const second = buildKeysListPage(all, view({ page: "2" }));
    expect([second.rows.length, second.page, second.pages, second.from, second.to, second.matching]).toEqual([50, 2, 3, 51, 100, 120]);
    const past = buildKeysListPage(all, view({ page: "9" }));
    expect([past.page, past.rows.length, past.from]).toEqual([3, 20, 101]);
  });

  it("pages by the size in the URL", () => {
    const all = Array.from({ length: 120 }, () => row());
    const big = buildKeysListPage(all, view({ size: "100", page: "2" }));
    expect([big.rows.length, big.page, big.pages, big.from, big.to, big.size]).toEqual([20, 2, 2, 101, 120, 100]);
    const small = buildKeysListPage(all, view({ size: "25" }));
    expect([small.rows.length, small.pages, small.size]).toEqual([25, 5, 25]);
  });

  it("marks keys whose names collide among the listed ones, and finds a rolled key's successor", () => {
    const next = row({ name: "Prod", status: "revoked" });
    const old = row({ name: "prod", replaced_by: next.key.id });
    const other = row({ name: "Other", replaced_by: "key_missing" });
    const shown = buildKeysListPage([old, next, other], view({}));
    expect(shown.rows.map((r) => r.nameCollides)).toEqual([false, false]);
    expect(shown.rows.find((r) => r.key.id === old.key.id)?.successor).toEqual({ id: next.key.id, prefix: next.key.prefix });
    expect(shown.rows.find((r) => r.key.id === other.key.id)?.successor).toBeNull();
    const withRevoked = buildKeysListPage([old, next, other], view({ revoked: "1" }));
    expect(
      withRevoked.rows
        .filter((r) => r.nameCollides)
        .map((r) => r.key.id)
        .sort(),
    ).toEqual([old.key.id, next.key.id].sort());
  });
});
