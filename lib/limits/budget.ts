import { keySpendInMonth } from "@/db/queries/usage-read";
import { getEnv } from "@/lib/env";
import { databaseUnavailable, toAppError } from "@/lib/errors";
import { pendingCostOf } from "@/lib/usage/recorder";
import { processSingleton } from "@/lib/singleton";

// Monthly budgets (UTC calendar month). A key's spend is a snapshot of the rollups, taken at
// most every KEY_CACHE_TTL_MS, plus what this instance has recorded since: the events still
// buffered when the snapshot was taken, and every cost noted after it. Locally this is exact
// (it may count a just-flushed event twice, so it errs towards refusing); other instances'
// spend shows up once they have flushed (about a second) and our snapshot renews.
//
// While the database is away or slow, a budget check never waits longer than
// DATABASE_QUERY_TIMEOUT_MS: a key with a snapshot of this month keeps it (plus the costs noted
// since, so this instance's own spend still counts) after waiting at most STALE_WAIT_MS for a
// fresh one, and while one read is under way or just failed it answers from it at once; a key
// without one is refused with 503, at once for a second after a failed read. Other instances'
// spend goes unseen until the database returns: a budget may be overrun by what they spend meanwhile.

interface Snapshot {
  month: string;
  spent: number;
  until: number;
}

/** Keys with a budget whose snapshot is kept; the oldest go first, and are read again on use. */
const MAX_SNAPSHOTS = 50_000;
/** How long a request with a stale snapshot waits for a fresh one before it uses the stale one. */
const STALE_WAIT_MS = 1_000;
/** After a failed read, the next one is tried no sooner than this. */
const RETRY_MS = 1_000;

const snapshots = processSingleton("budgetSnapshots", () => new Map<string, Snapshot>());
const inflight = new Map<string, Promise<Snapshot>>();
const retryAt = new Map<string, number>();

export const monthOf = (now: number) => new Date(now).toISOString().slice(0, 7);

/** Map order is insertion order: the first entry is the oldest. */
function setCapped<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > MAX_SNAPSHOTS) map.delete(map.keys().next().value!);
}

async function snapshot(keyId: string, month: string, now: number): Promise<Snapshot> {
  const pending = pendingCostOf(keyId);
  const spent = (await keySpendInMonth({ keyId, month })) + pending;
  const s = { month, spent, until: now + getEnv().KEY_CACHE_TTL_MS };
  setCapped(snapshots, keyId, s);
  return s;
}

/** Settles within ms: with the promise's outcome, or with `onTimeout()`. */
function within<T>(p: Promise<T>, ms: number, onTimeout: () => T | Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => Promise.resolve().then(onTimeout).then(resolve, reject), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** One read per key at a time, given up after the query timeout (the query itself may run on). */
function read(keyId: string, month: string, now: number): Promise<Snapshot> {
  const p = within(snapshot(keyId, month, now), getEnv().DATABASE_QUERY_TIMEOUT_MS, () => {
    throw databaseUnavailable();
  })
    .then(
      (s) => {
        retryAt.delete(keyId);
        return s;
      },
      (err) => {
        if (toAppError(err).code === "unavailable") setCapped(retryAt, keyId, Date.now() + RETRY_MS);
        throw err;
      },
    )
    .finally(() => inflight.delete(keyId));
  p.catch(() => {}); // a request that used the stale snapshot no longer waits for it
  inflight.set(keyId, p);
  return p;
}

/** This UTC month's spend for the key, in USD. */
export async function monthSpend(keyId: string, now = Date.now()): Promise<number> {
  const month = monthOf(now);
  const s = snapshots.get(keyId);
  const stale = s && s.month === month ? s : undefined;
  if (stale && stale.until > now) return stale.spent;
  const pending = inflight.get(keyId);
  const failedRecently = now < (retryAt.get(keyId) ?? 0);
  if (stale && (pending || failedRecently)) return stale.spent;
  if (!pending && failedRecently) throw databaseUnavailable();
  const p = pending ?? read(keyId, month, now);
  if (!stale) return (await p).spent;
  const wait = Math.min(STALE_WAIT_MS, getEnv().DATABASE_QUERY_TIMEOUT_MS);
  return within(
    p.then(
      (fresh) => fresh.spent,
      () => stale.spent,
    ),
    wait,
    () => stale.spent,
  );
}

/** A cost this instance just recorded for the key: counted at once, before any flush. */
export function noteSpend(keyId: string, costUsd: number, now = Date.now()): void {
  const s = snapshots.get(keyId);
  if (s && s.month === monthOf(now)) s.spent += costUsd;
}

export function clearBudgetSnapshots(): void {
  snapshots.clear();
  retryAt.clear();
}
