import type { UsageRange, UsageSums } from "@/db/queries/usage-read";
import { eachDay, MAX_RANGE_UTC_DAYS } from "@/lib/usage/query";

// How usage rows become the dashboard's charts: one point per UTC day or hour of the range (empty
// ones included), a series per busy key, and the keys table's per-day counts. No database here.

const HOUR_MS = 3_600_000;
const MAX_RANGE_HOURS = MAX_RANGE_UTC_DAYS * 24;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Keys beyond this many are stacked together as "Other keys", so a chart stays readable. */
export const MAX_SERIES = 6;

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

/** A key's sums in one bucket: a UTC day (YYYY-MM-DD) or hour (YYYY-MM-DDTHH:00:00Z). */
export interface BucketKeyRow extends UsageSums {
  bucket: string;
  keyId: string;
  keyName: string | null;
}

interface Bucket {
  bucket: string;
  label: string;
  title: string;
}

const pad = (n: number) => String(n).padStart(2, "0");

function dayBucket(day: string): Bucket {
  const [y, m, d] = day.split("-").map(Number);
  return { bucket: day, label: `${MONTHS[m - 1]} ${d}`, title: `${MONTHS[m - 1]} ${d}, ${y}` };
}

function hourBucket(ms: number): Bucket {
  const d = new Date(ms);
  const hh = `${pad(d.getUTCHours())}:00`;
  return {
    bucket: d.toISOString().replace(/\.000Z$/, "Z"),
    label: hh,
    title: `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${hh} UTC`,
  };
}

/** Every bucket of the range: UTC days, or UTC hours for a range of instants. */
export function bucketsOf(range: UsageRange): Bucket[] {
  if (range.kind === "days") return eachDay(range.from, range.to).map(dayBucket);
  // A count from the range bounds the walk, and a range no API request could ask for is a bug, not a chart.
  const start = Math.floor(range.from.getTime() / HOUR_MS) * HOUR_MS;
  const count = Math.ceil((range.to.getTime() - start) / HOUR_MS);
  if (!Number.isInteger(count) || count > MAX_RANGE_HOURS) {
    throw new Error(`A chart takes at most ${MAX_RANGE_HOURS} hours; this range has ${count}.`);
  }
  return Array.from({ length: Math.max(0, count) }, (_, i) => hourBucket(start + i * HOUR_MS));
}

function emptyPoint(b: Bucket): ChartPoint {
  return { ...b, requests: 0, errors: 0, errorRate: null, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedRequests: 0 };
}

/** The keys to chart, busiest (by tokens, then cost) first; past MAX_SERIES the rest share one "other" series. */
function seriesOf(rows: BucketKeyRow[]): SeriesKey[] {
  const perKey = new Map<string, { name: string; tokens: number; cost: number }>();
  for (const r of rows) {
    const k = perKey.get(r.keyId) ?? { name: r.keyName ?? r.keyId, tokens: 0, cost: 0 };
    k.tokens += r.inputTokens + r.outputTokens;
    k.cost += r.costUsd;
    perKey.set(r.keyId, k);
  }
  const ranked = [...perKey.entries()].sort((a, b) => b[1].tokens - a[1].tokens || b[1].cost - a[1].cost);
  const shown = ranked.length > MAX_SERIES ? ranked.slice(0, MAX_SERIES - 1) : ranked;
  // Keys that share a name (several "Batch jobs", a key and its rolled successor) say which is which.
  const named = new Map<string, number>();
  for (const [, k] of shown) named.set(k.name, (named.get(k.name) ?? 0) + 1);
  const series: SeriesKey[] = shown.map(([id, k], slot) => ({
    slot,
    id,
    name: (named.get(k.name) ?? 0) > 1 ? `${k.name} (${id})` : k.name,
  }));
  if (ranked.length > shown.length) series.push({ slot: shown.length, id: "other", name: `${ranked.length - shown.length} other keys` });
  return series;
}

/** A point per bucket of the range with the rows' sums, per series key too; rows outside the range are left out. */
export function chartSeries(range: UsageRange, rows: BucketKeyRow[]): { points: ChartPoint[]; series: SeriesKey[] } {
  const series = seriesOf(rows);
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

/** One key's chart: a point per day row, in the rows' order (no per-key series). */
export function dayPoints(rows: (UsageSums & { day?: string })[]): ChartPoint[] {
  return rows.map((r) => ({
    ...emptyPoint(dayBucket(r.day!)),
    requests: r.requests,
    errors: r.errors,
    errorRate: r.requests > 0 ? r.errors / r.requests : null,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    costUsd: r.costUsd,
    unpricedRequests: r.unpricedRequests,
  }));
}

export interface WeeklyUsage {
  requests: number;
  tokens: number;
  /** Requests per day, oldest first, one entry per day asked for. */
  perDay: number[];
}

/** Each key's totals and requests per day over `days`, from rows grouped by day and key. */
export function weeklyUsage(days: string[], rows: (UsageSums & { day?: string; keyId?: string })[]): Record<string, WeeklyUsage> {
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
