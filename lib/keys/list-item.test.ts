import { describe, expect, it } from "vitest";
import type { KeyLimitState } from "@/lib/usage/key-state";
import { itemPolicy, itemTarget, toListItem } from "./list-item";
import type { KeyListRow } from "./list-view";
import type { KeyView } from "./views";

const key = (over: Partial<KeyView> = {}): KeyView => ({
  id: "key_abc123def456",
  name: "Billing worker",
  prefix: "ne_live_abc123",
  created_at: "2026-01-01T00:00:00.000Z",
  last_used_at: null,
  environment: "live",
  status: "active",
  permissions: ["proxy"],
  expires_at: null,
  revoked_at: null,
  disabled_at: null,
  created_by: "user_1",
  limits: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
  allowed_providers: null,
  allowed_models: null,
  replaced_by: null,
  rolled_from: null,
  ...over,
});

const row = (k: KeyView, over: Partial<KeyListRow> = {}): KeyListRow => ({
  key: k,
  costUsd: 0,
  nameCollides: false,
  successor: null,
  ...over,
});

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

describe("a keys list row's item", () => {
  it("sends a plain key as its name, prefix, state and dates only: no owner, audit or policy fields", () => {
    const item = toListItem(row(key()));
    expect(item).toEqual({
      id: "key_abc123def456",
      name: "Billing worker",
      prefix: "ne_live_abc123",
      environment: "live",
      status: "active",
      created_at: "2026-01-01T00:00:00.000Z",
    });
    // Nothing is sent as undefined either: React would write each one out as "$undefined".
    expect(Object.values(item)).not.toContain(undefined);
  });

  it("carries what the row shows when the key has it", () => {
    const k = key({ last_used_at: "2026-01-05T00:00:00.000Z", expires_at: "2026-02-01T00:00:00.000Z", replaced_by: "key_next" });
    const item = toListItem(
      row(k, {
        costUsd: 1.25,
        nameCollides: true,
        successor: { id: "key_next", prefix: "ne_live_next00" },
        usage: { requests: 12, tokens: 3400, perDay: [0, 0, 0, 0, 2, 4, 6] },
        limit: limit({ budgetReached: true, refusals: { since: new Date(0), budget: 1, rateLimit: 3, allowList: 0 } }),
      }),
    );
    expect(item).toMatchObject({
      last_used_at: "2026-01-05T00:00:00.000Z",
      expires_at: "2026-02-01T00:00:00.000Z",
      replaced_by: "key_next",
      cost: 1.25,
      nameCollides: true,
      successor: { id: "key_next", prefix: "ne_live_next00" },
      usage: { requests: 12, tokens: 3400, perDay: [0, 0, 0, 0, 2, 4, 6] },
      budgetResetsAt: "2026-02-01T00:00:00.000Z",
      rateLimited: 3,
    });
  });

  it("leaves out a week without requests, and a spent budget of a key that is no longer active", () => {
    const item = toListItem(
      row(key({ status: "disabled" }), { usage: { requests: 0, tokens: 0, perDay: [0, 0] }, limit: limit({ budgetReached: true }) }),
    );
    expect(item.usage).toBeUndefined();
    expect(item.budgetResetsAt).toBeUndefined();
  });

  it("sends only the parts of a policy that differ from a new key's, and the dialogs get the whole policy back", () => {
    const plain = key();
    expect(toListItem(row(plain)).policy).toBeUndefined();
    const limited = key({
      permissions: ["proxy", "usage:read"],
      limits: { requests_per_minute: 600, tokens_per_minute: null, monthly_budget_usd: 50 },
      allowed_models: ["gpt-4o-mini"],
      expires_at: "2026-03-01T00:00:00.000Z",
    });
    const item = toListItem(row(limited));
    expect(item.policy).toEqual({
      permissions: ["proxy", "usage:read"],
      limits: { requests_per_minute: 600, tokens_per_minute: null, monthly_budget_usd: 50 },
      allowed_models: ["gpt-4o-mini"],
    });
    // What a dialog opened from the row sees is what it would see on the key's own page.
    const pick = ({
      id,
      name,
      prefix,
      status,
      replaced_by,
      expires_at,
      permissions,
      limits,
      allowed_providers,
      allowed_models,
    }: KeyView) => ({
      id,
      name,
      prefix,
      status,
      replaced_by,
      expires_at,
      permissions,
      limits,
      allowed_providers,
      allowed_models,
    });
    expect(itemTarget(item)).toEqual(pick(limited));
    expect(itemTarget(toListItem(row(plain)))).toEqual(pick(plain));
    expect(itemPolicy({}).permissions).toEqual(["proxy"]);
  });
});
