import { getKey, type KeyRecord } from "@/db/queries/keys";
import {
  keyActivity,
  recentRequests,
  usageByHour,
  type RecentRequest,
  type UsageFilter,
  type UsageRange,
  type UsageSums,
} from "@/db/queries/usage-read";
import { detectAnomalies, type Anomaly } from "@/lib/usage/anomaly";
import { addDays, eachDay, isoDay, MAX_RANGE_UTC_DAYS, queryUsage, sumRows } from "@/lib/usage/query";

// What the dashboard pages show, loaded in one place so the pages stay thin: the overview
// (totals, per-key series, models), a key's own page, and the keys table's 7-day column.

const HOUR_MS = 3_600_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

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

// ---- chart data --------------------------------------------------------------------------

export interface SeriesKey {
  /** dataKey suffix in chart points: `t0`/`c0` are the first key's tokens/cost. */
  slot: number;
  id: string;
  name: string;
}

export interface ChartPoint {
  bucket: string;
  /** Axis label: "Nov 23" or "14:00". */
  label: string;
  /** Tooltip title: "Nov 23, 2025" or "Nov 23, 14:00 UTC". */
  title: string;
  requests: number;
  errors: number;
  /** Null when there were no requests: the line has a gap rather than a misleading 0 %. */
  errorRate: number | null;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  unpricedRequests: number;
  /** Per series key: t<slot> tokens, c<slot> cost. */
  [perKey: `t${number}` | `c${number}`]: number;
}

export interface ModelRow extends UsageSums {
  provider: string;
  model: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

function dayLabels(day: string): { label: string; title: string } {
  const [y, m, d] = day.split("-").map(Number);
  return { label: `${MONTHS[m - 1]} ${d}`, title: `${MONTHS[m - 1]} ${d}, ${y}` };
}

function hourLabels(hour: string): { label: string; title: string } {
  const d = new Date(hour);
  const hh = `${pad(d.getUTCHours())}:00`;
  return { label: hh, title: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${hh} UTC` };
}

const hourOf = (ms: number) => new Date(Math.floor(ms / HOUR_MS) * HOUR_MS).toISOString().replace(/\.000Z$/, "Z");

const MAX_RANGE_HOURS = MAX_RANGE_UTC_DAYS * 24;

/** Every bucket of the range: UTC days, or UTC hours for a range of instants. */
export function bucketsOf(range: UsageRange): { bucket: string; label: string; title: string }[] {
  if (range.kind === "days") return eachDay(range.from, range.to).map((day) => ({ bucket: day, ...dayLabels(day) }));
  // A count from the range bounds the walk, and a range no API request could ask for is a bug, not a chart.
  const start = Math.floor(range.from.getTime() / HOUR_MS) * HOUR_MS;
  const count = Math.ceil((range.to.getTime() - start) / HOUR_MS);
  if (!Number.isInteger(count) || count > MAX_RANGE_HOURS) {
    throw new Error(`A chart takes at most ${MAX_RANGE_HOURS} hours; this range has ${count}.`);
  }
  return Array.from({ length: Math.max(0, count) }, (_, i) => {
    const hour = hourOf(start + i * HOUR_MS);
    return { bucket: hour, ...hourLabels(hour) };
  });
}

function emptyPoint(b: { bucket: string; label: string; title: string }): ChartPoint {
  return {
    ...b,
    requests: 0,
    errors: 0,
    errorRate: null,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
  };
}

/** Keys beyond this many are stacked together as "Other keys", so a chart stays readable. */
const MAX_SERIES = 6;

interface BucketKeyRow extends UsageSums {
  bucket: string;
  keyId: string;
  keyName: string | null;
}

function chartSeries(range: UsageRange, rows: BucketKeyRow[]): { points: ChartPoint[]; series: SeriesKey[] } {
  const perKey = new Map<string, { name: string; tokens: number; cost: number }>();
  for (const r of rows) {
    const k = perKey.get(r.keyId) ?? { name: r.keyName ?? r.keyId, tokens: 0, cost: 0 };
    k.tokens += r.inputTokens + r.outputTokens;
    k.cost += r.costUsd;
    perKey.set(r.keyId, k);
  }
  const ranked = [...perKey.entries()].sort((a, b) => b[1].tokens - a[1].tokens || b[1].cost - a[1].cost);
  const shown = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  const series: SeriesKey[] = shown.map(([id, k], slot) => ({ slot, id, name: k.name }));
  if (ranked.length > shown.length) series.push({ slot: shown.length, id: "other", name: `${ranked.length - shown.length} other keys` });
  const slotOf = new Map(series.map((s) => [s.id, s.slot]));
  const otherSlot = series.find((s) => s.id === "other")?.slot;

  const points = bucketsOf(range).map(emptyPoint);
  for (const p of points) for (const s of series) p[`t${s.slot}`] = p[`c${s.slot}`] = 0;
  const byBucket = new Map(points.map((p) => [p.bucket, p]));
  for (const r of rows) {
    const p = byBucket.get(r.bucket);
    if (!p) continue;
    const slot = slotOf.get(r.keyId) ?? otherSlot!;
    p.requests += r.requests;
    p.errors += r.errors;
    p.inputTokens += r.inputTokens;
    p.outputTokens += r.outputTokens;
    p.costUsd += r.costUsd;
    p.unpricedRequests += r.unpricedRequests;
    p[`t${slot}`] += r.inputTokens + r.outputTokens;
    p[`c${slot}`] += r.costUsd;
  }
  for (const p of points) p.errorRate = p.requests > 0 ? p.errors / p.requests : null;
  return { points, series };
}

async function bucketKeyRows(filter: UsageFilter): Promise<BucketKeyRow[]> {
  if (filter.range.kind === "instants") {
    const rows = await usageByHour({ filter, byKey: true });
    return rows.map((r) => ({ ...r, bucket: r.hour, keyId: r.keyId!, keyName: r.keyName ?? null }));
  }
  const rows = await queryUsage(filter, ["day", "key"]);
  return rows.map((r) => ({ ...r, bucket: r.day!, keyId: r.keyId!, keyName: r.keyName ?? null }));
}

// ---- the overview ------------------------------------------------------------------------

export interface KeyOption {
  id: string;
  name: string;
  environment: Environment;
  revoked: boolean;
}

export interface OverviewData {
  params: DashboardParams;
  range: UsageRange;
  totals: UsageSums;
  points: ChartPoint[];
  series: SeriesKey[];
  models: ModelRow[];
  /** "provider/model" of every model that had requests without a price. */
  unpricedModels: string[];
  /** Keys of the shown environment, for the key selector. */
  keyOptions: KeyOption[];
  selectedKey: KeyOption | null;
  csvHref: string;
}

export async function loadOverview({
  ownerId,
  params,
  keys,
  now = new Date(),
}: {
  ownerId: string;
  params: DashboardParams;
  /** Every key of the owner, revoked ones included (their usage still counts). */
  keys: KeyRecord[];
  now?: Date;
}): Promise<OverviewData> {
  const all: KeyOption[] = keys.map((k) => ({ id: k.id, name: k.name, environment: k.environment, revoked: k.revokedAt !== null }));
  const selectedKey = params.keyId ? (all.find((k) => k.id === params.keyId) ?? null) : null;
  // A key's usage lives in its own environment: choosing a test key shows test usage.
  const env = selectedKey?.environment ?? params.env;
  const effective: DashboardParams = { ...params, keyId: selectedKey?.id ?? null, env };
  const range = rangeFor(params.range, now);
  const filter: UsageFilter = { ownerId, range, keyId: effective.keyId ?? undefined, environment: env };

  const rows = await bucketKeyRows(filter);
  const models = (await queryUsage(filter, ["provider", "model"]))
    .map((r) => ({ ...r, provider: r.provider!, model: r.model! }))
    .sort((a, b) => b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.requests - a.requests);
  const { points, series } = chartSeries(range, rows);

  return {
    params: effective,
    range,
    totals: sumRows(rows),
    points,
    series,
    models,
    unpricedModels: models.filter((m) => m.unpricedRequests > 0).map((m) => `${m.provider}/${m.model}`),
    keyOptions: all.filter((k) => k.environment === env),
    selectedKey,
    csvHref: csvHref(range, effective.keyId, env),
  };
}

// ---- one key's page ----------------------------------------------------------------------

export const KEY_PAGE_DAYS = 30;
export const RECENT_LIMIT = 50;

export interface KeyUsageData {
  key: KeyRecord;
  totals: UsageSums;
  points: ChartPoint[];
  recent: RecentRequest[];
  anomalies: Anomaly[];
}

/** Null when the key does not exist or belongs to someone else. */
export async function loadKeyUsage({ ownerId, keyId, now = new Date() }: { ownerId: string; keyId: string; now?: Date }): Promise<KeyUsageData | null> {
  const key = await getKey({ ownerId, id: keyId });
  if (!key) return null;
  const today = isoDay(now);
  const range: UsageRange = { kind: "days", from: addDays(today, -(KEY_PAGE_DAYS - 1)), to: today };
  const days = await queryUsage({ ownerId, range, keyId }, ["day"]);
  const points = days.map((r) => ({
    ...emptyPoint({ bucket: r.day!, ...dayLabels(r.day!) }),
    requests: r.requests,
    errors: r.errors,
    errorRate: r.requests > 0 ? r.errors / r.requests : null,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    unpricedRequests: r.unpricedRequests,
  }));
  const recent = await recentRequests(ownerId, keyId, RECENT_LIMIT);
  const anomalies = detectAnomalies(await keyActivity(ownerId, keyId, now));
  return { key, totals: sumRows(days), points, recent, anomalies };
}

// ---- the keys table's 7-day column -------------------------------------------------------

export const WEEK_DAYS = 7;

export interface WeeklyUsage {
  requests: number;
  tokens: number;
  /** Requests per day, oldest first, WEEK_DAYS entries. */
  perDay: number[];
}

/** Every key's last 7 days (today included), from one grouped query. */
export async function loadWeeklyUsage({ ownerId, now = new Date() }: { ownerId: string; now?: Date }): Promise<Record<string, WeeklyUsage>> {
  const today = isoDay(now);
  const from = addDays(today, -(WEEK_DAYS - 1));
  const days = eachDay(from, today);
  const rows = await queryUsage({ ownerId, range: { kind: "days", from, to: today } }, ["day", "key"]);
  const out: Record<string, WeeklyUsage> = {};
  for (const r of rows) {
    const w = (out[r.keyId!] ??= { requests: 0, tokens: 0, perDay: days.map(() => 0) });
    w.requests += r.requests;
    w.tokens += r.inputTokens + r.outputTokens;
    const i = days.indexOf(r.day!);
    if (i >= 0) w.perDay[i] += r.requests;
  }
  return out;
}
