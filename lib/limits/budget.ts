import { keySpendInMonth } from "@/db/queries/usage-read";
import { getEnv } from "@/lib/env";
import { pendingCostOf } from "@/lib/usage/recorder";

// Monthly budgets (UTC calendar month). A key's spend is a snapshot of the rollups, taken at
// most every KEY_CACHE_TTL_MS, plus what this instance has recorded since: the events still
// buffered when the snapshot was taken, and every cost noted after it. Locally this is exact
// (it may count a just-flushed event twice, so it errs towards refusing); other instances'
// spend shows up once they have flushed (about a second) and our snapshot renews.

interface Snapshot {
  month: string;
  spent: number;
  until: number;
}

const slot = Symbol.for("neuronedge.budgetSnapshots");
const snapshots: Map<string, Snapshot> = ((globalThis as Record<symbol, Map<string, Snapshot>>)[slot] ??= new Map());
const inflight = new Map<string, Promise<Snapshot>>();

export const monthOf = (now: number) => new Date(now).toISOString().slice(0, 7);

async function snapshot(keyId: string, month: string, now: number): Promise<Snapshot> {
  const pending = pendingCostOf(keyId);
  const spent = (await keySpendInMonth(keyId, month)) + pending;
  const s = { month, spent, until: now + getEnv().KEY_CACHE_TTL_MS };
  snapshots.set(keyId, s);
  return s;
}

/** This UTC month's spend for the key, in USD. */
export async function monthSpend(keyId: string, now = Date.now()): Promise<number> {
  const month = monthOf(now);
  const s = snapshots.get(keyId);
  if (s && s.month === month && s.until > now) return s.spent;
  let p = inflight.get(keyId);
  if (!p) {
    p = snapshot(keyId, month, now).finally(() => inflight.delete(keyId));
    inflight.set(keyId, p);
  }
  return (await p).spent;
}

/** A cost this instance just recorded for the key: counted at once, before any flush. */
export function noteSpend(keyId: string, costUsd: number, now = Date.now()): void {
  const s = snapshots.get(keyId);
  if (s && s.month === monthOf(now)) s.spent += costUsd;
}

export function clearBudgetSnapshots(): void {
  snapshots.clear();
}
