import { describe, expect, it } from "vitest";
import { keyActivity } from "@/db/queries/usage-read";
import { insertUsageBatch } from "@/db/queries/usage-write";
import { createKey, updateOwnerKey } from "@/lib/keys/service";
import { detectAnomalies } from "@/lib/usage/anomaly";
import { testCaller, useDatabase } from "@/testing/db";
import { usageEvent } from "@/testing/usage-events";
import { keyLimitState, keyLimitStates } from "./key-state";

useDatabase();

const now = new Date(Date.UTC(2026, 11, 20, 15, 30, 0));
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
/** What the gateway records for its own refusal (call-record.ts recordWithoutBody). */
const refusal = (ownerId: string, keyId: string, status: number, ts: Date) =>
  usageEvent(ownerId, keyId, { ts, status, inputTokens: 0, outputTokens: 0, costUsd: 0, ttfbMs: null });

describe("a key's budget and limit state", () => {
  it("a key over its budget: 'budget reached' until the 1st of next month, spend exact, its 402s no anomaly", async () => {
    const caller = testCaller();
    const k = await createKey(caller, { name: "spent", environment: "live" });
    await updateOwnerKey(caller, k.id, { limits: { monthly_budget_usd: 0.01 } });
    const spending = [0.004, 0.0035, 0.0025].map((costUsd, i) => usageEvent(caller.ownerId, k.id, { ts: ago(600 + i), costUsd }));
    const lastMonth = usageEvent(caller.ownerId, k.id, { ts: new Date(Date.UTC(2026, 10, 30, 23, 0)), costUsd: 5 });
    const refused = Array.from({ length: 80 }, (_, i) => refusal(caller.ownerId, k.id, 402, ago(1 + i / 2)));
    await insertUsageBatch({ events: [...spending, lastMonth, ...refused] });

    const state = await keyLimitState({ ownerId: caller.ownerId, key: { id: k.id, monthlyBudgetUsd: 0.01 }, now });
    expect(state).toMatchObject({ month: "2026-12", budgetUsd: 0.01, budgetReached: true, resetsAt: new Date("2027-01-01T00:00:00Z") });
    expect(state!.spentUsd).toBe(0.01);
    expect(state!.refusals).toMatchObject({ budget: 80, rateLimit: 0, allowList: 0 });

    expect(detectAnomalies(await keyActivity({ ownerId: caller.ownerId, keyId: k.id, now }))).toEqual([]);
  });

  it("counts the gateway's 429s, not the provider's, and neither raises the notice; a 5xx surge still does", async () => {
    const caller = testCaller();
    const limited = await createKey(caller, { name: "limited", environment: "live" });
    const failing = await createKey(caller, { name: "failing", environment: "live" });
    const other = testCaller();
    const stranger = await createKey(other, { name: "not mine", environment: "live" });
    const ok = (keyId: string, minutes: number) => usageEvent(caller.ownerId, keyId, { ts: ago(minutes) });
    await insertUsageBatch({
      events: [
        // a week of 5 an hour for both keys
        ...Array.from({ length: 168 * 5 }, (_, i) => ok(limited.id, 61 + i * 12)),
        ...Array.from({ length: 168 * 5 }, (_, i) => ok(failing.id, 61 + i * 12)),
        // the last hour: 5 through, 60 refused by the rate limit, 3 throttled by the provider itself
        ...Array.from({ length: 5 }, (_, i) => ok(limited.id, 10 + i)),
        ...Array.from({ length: 60 }, (_, i) => refusal(caller.ownerId, limited.id, 429, ago(1 + i / 2))),
        ...Array.from({ length: 3 }, (_, i) =>
          usageEvent(caller.ownerId, limited.id, { ts: ago(5 + i), status: 429, costUsd: 0, ttfbMs: 40 }),
        ),
        // a day ago and more: outside the refusal window
        refusal(caller.ownerId, limited.id, 429, ago(24 * 60 + 1)),
        // the other key: 60 upstream 503s in the last hour
        ...Array.from({ length: 60 }, (_, i) =>
          usageEvent(caller.ownerId, failing.id, { ts: ago(1 + i / 2), status: 503, costUsd: 0, ttfbMs: 30 }),
        ),
        refusal(other.ownerId, stranger.id, 429, ago(3)),
      ],
    });
    const keys = [limited, failing, stranger].map((k) => ({ id: k.id, monthlyBudgetUsd: null }));
    const states = await keyLimitStates({ ownerId: caller.ownerId, keys, now });
    expect(Object.keys(states).sort()).toEqual([limited.id, failing.id].sort()); // another owner's key is left out
    expect(states[limited.id].refusals).toMatchObject({ rateLimit: 60, budget: 0, since: ago(24 * 60) });
    expect(states[limited.id].budgetReached).toBe(false);
    expect(states[failing.id].refusals.rateLimit).toBe(0);

    const limitedActivity = await keyActivity({ ownerId: caller.ownerId, keyId: limited.id, now });
    expect(limitedActivity.lastHour).toEqual({ requests: 8, errors: 3 }); // the provider's 429s are still errors
    expect(detectAnomalies(limitedActivity)).toEqual([]);
    const failingAnomalies = detectAnomalies(await keyActivity({ ownerId: caller.ownerId, keyId: failing.id, now }));
    expect(failingAnomalies.map((a) => a.kind)).toEqual(["traffic", "errors"]);
  });
});
