import type { UsageRange } from "@/db/queries/usage-read";
import { addDays, isoDay, MAX_RANGE_DAYS, MIN_DAY } from "@/lib/usage/query";

// The dashboard's URL state: what ?range, ?from/?to, ?key, ?env, ?provider and ?model mean, the
// range they ask for, and the links that keep them (the page's own, and its CSV download).

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

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

/** Inclusive UTC days, YYYY-MM-DD. */
export interface CustomRange {
  from: string;
  to: string;
}

export interface DashboardParams {
  /** The preset; a valid custom range takes its place. */
  range: DashboardRange;
  custom?: CustomRange | null;
  keyId: string | null;
  env: Environment;
  provider?: string | null;
  model?: string | null;
}

export interface DashboardState {
  params: DashboardParams;
  /** Why part of the URL was not used, in plain words; the page shows it and falls back. */
  error: string | null;
  /** The dates of a refused custom range, so the form shows what was typed. */
  attempted: { from: string; to: string } | null;
}

type SearchParams = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Nov 1, 2026"; the value itself when it is no date, so an error can quote what was typed. */
export function dayLabel(day: string): string {
  const [y, m, d] = day.split("-").map(Number);
  return DATE.test(day) && MONTHS[m - 1] ? `${MONTHS[m - 1]} ${d}, ${y}` : day;
}

const isDay = (s: string) => DATE.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && isoDay(new Date(`${s}T00:00:00Z`)) === s;

/** A custom range, or the plain-words reason it cannot be shown. */
export function parseCustomRange(from: string | undefined, to: string | undefined, now: Date): CustomRange | { error: string } {
  const today = isoDay(now);
  const end = to || today;
  if (!from) return { error: "Choose a start date for the custom range." };
  for (const [what, v] of [
    ["start", from],
    ["end", end],
  ] as const) {
    if (v.length > 10 || !isDay(v)) return { error: `The ${what} date “${v.slice(0, 20)}” is not a date (YYYY-MM-DD).` };
    if (v < MIN_DAY) return { error: `The ${what} date ${dayLabel(v)} is before ${dayLabel(MIN_DAY)}, when usage starts.` };
    if (v > today) return { error: `The ${what} date ${dayLabel(v)} is in the future; the latest is today, ${dayLabel(today)} (UTC).` };
  }
  if (from > end) return { error: `The start date ${dayLabel(from)} is after the end date ${dayLabel(end)}.` };
  const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  if (days > MAX_RANGE_DAYS)
    return { error: `A custom range spans at most ${MAX_RANGE_DAYS} days; ${dayLabel(from)} to ${dayLabel(end)} is ${days}.` };
  return { from, to: end };
}

// Provider and model names are matched exactly; anything longer or with control characters is no name.
const name = (v: string | undefined) => (v && v.length <= 200 && !/\p{Cc}/u.test(v) ? v : null);

/**
 * `?range=24h|7d|30d|90d` or `?from=YYYY-MM-DD&to=YYYY-MM-DD`, `&key=<id>&env=live|test&provider=&model=`;
 * anything else falls back to the defaults, and a bad custom range says why.
 */
export function parseDashboardState(sp: SearchParams, now = new Date()): DashboardState {
  const range = first(sp.range);
  const env = first(sp.env);
  const key = first(sp.key);
  const from = first(sp.from);
  const to = first(sp.to);
  const provider = name(first(sp.provider));
  let custom: CustomRange | null = null;
  let error: string | null = null;
  if (from !== undefined || to !== undefined) {
    const parsed = parseCustomRange(from, to, now);
    if ("error" in parsed) error = parsed.error;
    else custom = parsed;
  }
  const params: DashboardParams = {
    range: (DASHBOARD_RANGES as readonly string[]).includes(range ?? "") ? (range as DashboardRange) : "7d",
    custom,
    keyId: key && /^[\w-]{1,64}$/.test(key) ? key : null,
    env: env === "test" ? "test" : "live",
    provider,
    // A model is one provider's: without the provider it could mean several.
    model: provider ? name(first(sp.model)) : null,
  };
  if (!error) return { params, error, attempted: null };
  const attempted = { from: (from ?? "").slice(0, 10), to: (to ?? "").slice(0, 10) };
  return { params, error: `${error} Showing the ${RANGE_LABELS[params.range].long} instead.`, attempted };
}

export function parseDashboardParams(sp: SearchParams, now = new Date()): DashboardParams {
  return parseDashboardState(sp, now).params;
}

/** The last 24 hours to the minute; otherwise whole UTC days, today included. */
export function rangeFor(range: DashboardRange, now: Date): UsageRange {
  if (range === "24h") return { kind: "instants", from: new Date(now.getTime() - 24 * HOUR_MS), to: now };
  const today = isoDay(now);
  return { kind: "days", from: addDays(today, -(RANGE_DAYS[range] - 1)), to: today };
}

/** The range the params ask for: the custom one when set. */
export function paramsRange(p: DashboardParams, now: Date): UsageRange {
  return p.custom ? { kind: "days", from: p.custom.from, to: p.custom.to } : rangeFor(p.range, now);
}

/** "last 7 days", or "Nov 1, 2026 – Nov 15, 2026" (one day: "Nov 1, 2026"). */
export function rangeLabel(p: DashboardParams): string {
  if (!p.custom) return RANGE_LABELS[p.range].long;
  const { from, to } = p.custom;
  return from === to ? dayLabel(from) : `${dayLabel(from)} – ${dayLabel(to)}`;
}

/** "in the last 7 days", "from Nov 1, 2026 to Nov 15, 2026" or "on Nov 1, 2026", to end a sentence. */
export function rangePhrase(p: DashboardParams): string {
  if (!p.custom) return `in the ${RANGE_LABELS[p.range].long}`;
  const { from, to } = p.custom;
  return from === to ? `on ${dayLabel(from)}` : `from ${dayLabel(from)} to ${dayLabel(to)}`;
}

/** Query string for /dashboard; defaults are left out so the plain URL stays plain. */
export function dashboardHref(p: DashboardParams): string {
  const q = new URLSearchParams();
  if (p.custom) {
    q.set("from", p.custom.from);
    q.set("to", p.custom.to);
  } else if (p.range !== "7d") q.set("range", p.range);
  if (p.keyId) q.set("key", p.keyId);
  if (p.env !== "live") q.set("env", p.env);
  if (p.provider) q.set("provider", p.provider);
  if (p.provider && p.model) q.set("model", p.model);
  const s = q.toString();
  return s ? `/dashboard?${s}` : "/dashboard";
}

/** The usage API's CSV for what the page shows: same range, key, environment, provider and model. */
export function csvHref(
  range: UsageRange,
  keyId: string | null,
  env: Environment,
  only: { provider?: string | null; model?: string | null } = {},
): string {
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
  if (only.provider) q.set("provider", only.provider);
  if (only.provider && only.model) q.set("model", only.model);
  q.set("group_by", "day,key,model");
  q.set("format", "csv");
  return `/api/usage?${q}`;
}

/** What a view covers, for the stats: "Test keys · openai · gpt-4o-mini · last 7 days". */
export function viewScope(p: DashboardParams, keyName: string | null): string {
  const who = keyName ? `Key “${keyName}”` : p.env === "test" ? "Test keys" : "Live keys";
  return [who, p.provider, p.provider ? p.model : null, rangeLabel(p)].filter(Boolean).join(" · ");
}
