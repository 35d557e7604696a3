import { keysLimitUsage } from "@/db/queries/usage-read";
import type { KeyRecord } from "@/db/queries/keys";
import { monthOf } from "@/lib/limits/budget";
import { pendingCostOf } from "@/lib/usage/recorder";

// A key's budget and limit state for its row in the keys list and its page: what the gateway
// does to its calls now (402 until the month ends), not only what it was asked to do.

/** Refusals are counted over the last day, as the dashboard's last-24-hours view. */
export const REFUSALS_WINDOW_MS = 24 * 3_600_000;

export interface KeyLimitState {
  keyId: string;
  /** The UTC month the spend is for, `YYYY-MM`. */
  month: string;
  /** This month's spend as the budget check counts it: the rollups plus this instance's unflushed events. */
  spentUsd: number;
  budgetUsd: number | null;
  /** Every call gets 402 until `resetsAt` (or the budget is raised). */
  budgetReached: boolean;
  /** The first instant of the next UTC month, when the month's spend starts again from zero. */
  resetsAt: Date;
  /** The gateway's own refusals of this key in [since, now): a provider's own 402/403/429 are not among them. */
  refusals: { since: Date; budget: number; rateLimit: number; allowList: number };
}

export function budgetResetsAt(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

/** Every given key's state, from one query; keys not the owner's are left out. */
export async function keyLimitStates({
  ownerId,
  keys,
  now = new Date(),
}: {
  ownerId: string;
  keys: Pick<KeyRecord, "id" | "monthlyBudgetUsd">[];
  now?: Date;
}): Promise<Record<string, KeyLimitState>> {
  const month = monthOf(now.getTime());
  const since = new Date(now.getTime() - REFUSALS_WINDOW_MS);
  const rows = await keysLimitUsage({ ownerId, keyIds: keys.map((k) => k.id), month, since, now });
  const budgets = new Map(keys.map((k) => [k.id, k.monthlyBudgetUsd]));
  const out: Record<string, KeyLimitState> = {};
  for (const r of rows) {
    const budgetUsd = budgets.get(r.keyId) ?? null;
    const spentUsd = r.spentUsd + pendingCostOf(r.keyId);
    out[r.keyId] = {
      keyId: r.keyId,
      month,
      spentUsd,
      budgetUsd,
      // The same comparison as assertWithinBudget (lib/limits/enforce.ts).
      budgetReached: budgetUsd !== null && spentUsd >= budgetUsd,
      resetsAt: budgetResetsAt(now),
      refusals: { since, budget: r.budgetRefusals, rateLimit: r.rateLimitRefusals, allowList: r.allowListRefusals },
    };
  }
  return out;
}

/** One key's state (its page); null when the owner has no such key. */
export async function keyLimitState(args: {
  ownerId: string;
  key: Pick<KeyRecord, "id" | "monthlyBudgetUsd">;
  now?: Date;
}): Promise<KeyLimitState | null> {
  const states = await keyLimitStates({ ownerId: args.ownerId, keys: [args.key], now: args.now });
  return states[args.key.id] ?? null;
}
