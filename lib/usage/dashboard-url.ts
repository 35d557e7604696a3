import type { UsageRange } from "@/db/queries/usage-read";
import { addDays, isoDay } from "@/lib/usage/query";

// The dashboard's URL state: what ?range, ?key and ?env mean, the range they ask for, and the
// links that keep them (the page's own, and its CSV download).

const HOUR_MS = 3_600_000;

export const DASHBOARD_RANGES = ["24h", "7d", "30d", "90d"] as const;
export type DashboardRange = (typeof DASHBOARD_RANGES)[number];
export type Environment = "live" | "test";

export const RANGE_LABELS: Record<DashboardRange, { short: string; long: string }> = {
  "24h": { short: "24h", long: "last 24 hours" },
  "7d": { short: "7d", long: "last 7 days" },
  "30d": { short: "30d", long: "last 30 days" },
  "90d": { short: "90d", long: "last 90 days" },
};

const RANGE_DAYS: Record<Exclude<DashboardRange, "24h">, number> = { "7d": 7, "30d": 30, "90d": 90 };

export interface DashboardParams {
  range: DashboardRange;
  keyId: string | null;
  env: Environment;
}

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** `?range=24h|7d|30d|90d&key=<id>&env=live|test`; anything else falls back to the defaults. */
export function parseDashboardParams(sp: SearchParams): DashboardParams {
  const range = first(sp.range);
  const env = first(sp.env);
  const key = first(sp.key);
  return {
    range: (DASHBOARD_RANGES as readonly string[]).includes(range ?? "") ? (range as DashboardRange) : "7d",
    keyId: key && /^[\w-]{1,64}$/.test(key) ? key : null,
    env: env === "test" ? "test" : "live",
  };
}

/** The last 24 hours to the minute; otherwise whole UTC days, today included. */
export function rangeFor(range: DashboardRange, now: Date): UsageRange {
  if (range === "24h") return { kind: "instants", from: new Date(now.getTime() - 24 * HOUR_MS), to: now };
  const today = isoDay(now);
  return { kind: "days", from: addDays(today, -(RANGE_DAYS[range] - 1)), to: today };
}

/** Query string for /dashboard; defaults are left out so the plain URL stays plain. */
export function dashboardHref(p: DashboardParams): string {
  const q = new URLSearchParams();
  if (p.range !== "7d") q.set("range", p.range);
  if (p.keyId) q.set("key", p.keyId);
  if (p.env !== "live") q.set("env", p.env);
  const s = q.toString();
  return s ? `/dashboard?${s}` : "/dashboard";
}

/** The usage API's CSV for what the page shows: same range, key and environment. */
export function csvHref(range: UsageRange, keyId: string | null, env: Environment): string {
  const q = new URLSearchParams();
  if (range.kind === "days") {
    q.set("from", range.from);
    q.set("to", range.to);
  } else {
    q.set("from", range.from.toISOString());
    q.set("to", range.to.toISOString());
  }
  if (keyId) q.set("key_id", keyId);
  q.set("environment", env);
  q.set("group_by", "day,key,model");
  q.set("format", "csv");
  return `/api/usage?${q}`;
}
