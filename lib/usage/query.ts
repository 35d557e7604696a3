import { z } from "zod";
import { getKey } from "@/db/queries/keys";
import {
  USAGE_DIMENSIONS,
  usageGroups,
  type UsageDimension,
  type UsageFilter,
  type UsageGroupRow,
  type UsageRange,
  type UsageSums,
} from "@/db/queries/usage-read";
import { AppError, parseInput } from "@/lib/errors";

// The usage API's rules, shared by GET /api/usage and the dashboard: which range a
// request means, how rows are shaped, and how they become CSV.

const DAY_MS = 86_400_000;
export const MAX_RANGE_DAYS = 366;
/** A range of instants spanning MAX_RANGE_DAYS touches one more UTC day, partly. */
export const MAX_RANGE_UTC_DAYS = MAX_RANGE_DAYS + 1;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_VALUE_LENGTH = 64;

// The dates the product answers for: usage cannot predate the year 2000, and within these four-digit
// years ISO strings sort as dates and Postgres takes every value (it refuses year 0).
export const MIN_DAY = "2000-01-01";
export const MAX_DAY = "2999-12-31";
const MIN_MS = Date.parse(`${MIN_DAY}T00:00:00Z`);
const MAX_MS = Date.parse(`${MAX_DAY}T00:00:00Z`) + DAY_MS;

export const isoDay = (d: Date) => d.toISOString().slice(0, 10);
export const addDays = (day: string, n: number) => isoDay(new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS));

/** Every UTC day from `from` to `to`, inclusive (none when `to` is earlier). */
export function eachDay(from: string, to: string): string[] {
  // A count from the dates bounds the walk: comparing ISO strings never ends past the year 9999.
  const start = Date.parse(`${from}T00:00:00Z`);
  const count = (Date.parse(`${to}T00:00:00Z`) - start) / DAY_MS + 1;
  if (!Number.isInteger(count) || count > MAX_RANGE_UTC_DAYS) {
    throw new Error(`eachDay takes two dates at most ${MAX_RANGE_UTC_DAYS} days apart, not ${from}..${to}.`);
  }
  return Array.from({ length: Math.max(0, count) }, (_, i) => isoDay(new Date(start + i * DAY_MS)));
}

function outOfRange(param: string, value: string): AppError {
  return new AppError("bad_request", `'${param}' must fall between ${MIN_DAY} and ${MAX_DAY} (UTC); got ${value}.`, { param });
}

function parseInstant(value: string, param: string, endOfDay: boolean): { day: string | null; at: Date } {
  if (value.length > MAX_VALUE_LENGTH) throw new AppError("bad_request", `'${param}' is too long.`, { param });
  if (DATE.test(value)) {
    const at = new Date(`${value}T00:00:00Z`);
    if (Number.isNaN(at.getTime()) || isoDay(at) !== value) {
      throw new AppError("bad_request", `'${param}' is not a valid date: ${value}.`, { param });
    }
    const ms = endOfDay ? at.getTime() + DAY_MS : at.getTime();
    if (ms < MIN_MS || ms > MAX_MS) throw outOfRange(param, value);
    return { day: value, at: new Date(ms) };
  }
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new AppError(
      "bad_request",
      `'${param}' must be a date (YYYY-MM-DD) or an ISO 8601 timestamp such as 2026-01-31T12:00:00Z; got ${value}.`,
      { param },
    );
  }
  // Checked after the offset applies: 2999-12-31T23:00:00-05:00 is already the year 3000.
  if (at.getTime() < MIN_MS || at.getTime() > MAX_MS) throw outOfRange(param, value);
  return { day: null, at };
}

/** from/to as the API takes them: dates (inclusive, UTC) or timestamps; 30 days to today by default. */
export function parseRange(from: string | null, to: string | null, now = new Date()): UsageRange {
  const toValue = to ?? isoDay(now);
  const end = parseInstant(toValue, "to", true);
  const defaultFrom = end.day ? addDays(end.day, -29) : isoDay(new Date(end.at.getTime() - 30 * DAY_MS));
  // Both are four-digit-year dates here, so string order is date order.
  const fromValue = from ?? (defaultFrom < MIN_DAY ? MIN_DAY : defaultFrom);
  const start = parseInstant(fromValue, "from", false);
  if (start.at >= end.at) throw new AppError("bad_request", "'from' must be before 'to'.", { param: "from" });
  if (end.at.getTime() - start.at.getTime() > MAX_RANGE_DAYS * DAY_MS) {
    throw new AppError("bad_request", `The range may span at most ${MAX_RANGE_DAYS} days.`, { param: "to" });
  }
  return start.day && end.day ? { kind: "days", from: start.day, to: end.day } : { kind: "instants", from: start.at, to: end.at };
}

const name = (param: string) => z.string().min(1, `'${param}' must not be empty.`).max(200, `'${param}' is too long.`).optional();

const paramsSchema = z.object({
  key_id: name("key_id"),
  provider: name("provider"),
  model: name("model"),
  environment: z.enum(["live", "test"], { error: "'environment' must be 'live' or 'test'." }).optional(),
  group_by: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const dims = (v ?? "day")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const bad = dims.find((d) => !(USAGE_DIMENSIONS as readonly string[]).includes(d));
      if (bad !== undefined || dims.length === 0) {
        ctx.addIssue({ code: "custom", message: `'group_by' must be one or more of ${USAGE_DIMENSIONS.join(", ")}, comma separated.` });
        return z.NEVER;
      }
      return [...new Set(dims)] as UsageDimension[];
    }),
  format: z.enum(["json", "csv"], { error: "'format' must be 'json' or 'csv'." }).default("json"),
});

export interface UsageQuery {
  filter: UsageFilter;
  groupBy: UsageDimension[];
  format: "json" | "csv";
  /** The filtered key's name, for the CSV's file name. */
  keyName?: string;
}

export async function parseUsageQuery(ownerId: string, search: URLSearchParams, now = new Date()): Promise<UsageQuery> {
  const raw: Record<string, string> = {};
  for (const k of ["key_id", "provider", "model", "environment", "group_by", "format"]) {
    const v = search.get(k);
    if (v !== null) raw[k] = v;
  }
  const p = parseInput(paramsSchema, raw);
  // Another owner's key id is "not found", exactly as on /api/keys.
  const key = p.key_id ? await getKey({ ownerId, id: p.key_id }) : null;
  if (p.key_id && !key) throw new AppError("not_found", `No API key with id '${p.key_id}'.`, { param: "key_id" });
  return {
    ...(key ? { keyName: key.name } : {}),
    filter: {
      ownerId,
      range: parseRange(search.get("from"), search.get("to"), now),
      keyId: p.key_id,
      provider: p.provider,
      model: p.model,
      environment: p.environment,
    },
    groupBy: p.group_by,
    format: p.format,
  };
}

/**
 * The CSV's file name says what is in it: the key (by name) when one is chosen, the range, the
 * grouping. Only letters, digits and dashes, so every browser and shell keeps it as it is.
 */
export function usageCsvFilename(q: UsageQuery): string {
  const slug = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/[^A-Za-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
      .slice(0, 40)
      .toLowerCase();
  const { range } = q.filter;
  const day = (d: string | Date) => (typeof d === "string" ? d : d.toISOString().slice(0, 10));
  const parts = ["neuronedge-usage", q.keyName ? slug(q.keyName) || q.filter.keyId : null, day(range.from), "to", day(range.to)];
  if (q.groupBy.length) parts.push("by", ...q.groupBy);
  return `${parts.filter(Boolean).join("-")}.csv`;
}

const ZERO: UsageSums = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
};

export function sumRows(rows: UsageSums[]): UsageSums {
  const t = { ...ZERO };
  for (const r of rows) for (const k of Object.keys(t) as (keyof UsageSums)[]) t[k] += r[k];
  return t;
}

/** Grouped rows; grouped by day alone, every day of the range is present (zeros included). */
export async function queryUsage(filter: UsageFilter, groupBy: UsageDimension[]): Promise<UsageGroupRow[]> {
  const rows = await usageGroups({ filter, groupBy });
  if (groupBy.length !== 1 || groupBy[0] !== "day") return rows;
  const [from, to] =
    filter.range.kind === "days"
      ? [filter.range.from, filter.range.to]
      : [isoDay(filter.range.from), isoDay(new Date(filter.range.to.getTime() - 1))];
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return eachDay(from, to).map((day) => byDay.get(day) ?? { day, ...ZERO });
}

// Micro-dollars: sums of numeric costs come back as floats.
const money = (n: number) => Math.round(n * 1e6) / 1e6;

function sumsJson(s: UsageSums) {
  return {
    requests: s.requests,
    errors: s.errors,
    input_tokens: s.inputTokens,
    output_tokens: s.outputTokens,
    cached_input_tokens: s.cachedInputTokens,
    cost_usd: money(s.costUsd),
    unpriced_requests: s.unpricedRequests,
  };
}

export function rowJson(r: UsageGroupRow, groupBy: UsageDimension[]) {
  const out: Record<string, string | number | null> = {};
  for (const d of groupBy) {
    if (d === "key") {
      out.key_id = r.keyId ?? null;
      out.key_name = r.keyName ?? null;
    } else out[d] = r[d] ?? null;
  }
  return { ...out, ...sumsJson(r) };
}

export function usageJson(rows: UsageGroupRow[], groupBy: UsageDimension[], range: UsageRange) {
  return {
    data: rows.map((r) => rowJson(r, groupBy)),
    totals: sumsJson(sumRows(rows)),
    range: range.kind === "days" ? { from: range.from, to: range.to } : { from: range.from.toISOString(), to: range.to.toISOString() },
    group_by: groupBy,
  };
}

function csvCell(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  // Quote what needs it, and defuse spreadsheet formulas in names people chose.
  const safe = /^[=+\-@\t\r]/.test(s) && typeof v === "string" ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function usageCsv(rows: UsageGroupRow[], groupBy: UsageDimension[]): string {
  const json = rows.map((r) => rowJson(r, groupBy));
  const header = Object.keys(rowJson({ ...ZERO }, groupBy));
  const lines = [header.join(",")];
  for (const r of json) lines.push(header.map((h) => csvCell((r as Record<string, string | number | null>)[h])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
