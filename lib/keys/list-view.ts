import { z } from "zod";
import type { KeyLimitState } from "@/lib/usage/key-state";
import type { WeeklyUsage } from "@/lib/usage/chart-series";
import type { KeyView } from "./views";

// The keys list's view state (search, filters, sort, page) as it lives in the URL, and the pure
// functions that turn every key of an owner into the rows of one page. The loader is ./list-load.ts.

/** The page sizes one can pick; the default keeps the page's HTML bounded whatever the number of keys. */
export const KEYS_PAGE_SIZES = [25, 50, 100] as const;
export type KeysPageSize = (typeof KEYS_PAGE_SIZES)[number];
export const KEYS_PAGE_SIZE: KeysPageSize = 50;
export const KEYS_LIST_PATH = "/dashboard/keys";

export const LIST_ENVS = ["all", "live", "test"] as const;
export const LIST_STATUSES = ["all", "active", "disabled", "expired", "revoked", "budget"] as const;
export const LIST_SORTS = ["newest", "last_used", "usage", "cost", "name"] as const;

export type ListStatus = (typeof LIST_STATUSES)[number];
export type ListSort = (typeof LIST_SORTS)[number];

export const STATUS_OPTIONS: Record<ListStatus, string> = {
  all: "All statuses",
  active: "Active",
  disabled: "Disabled",
  expired: "Expired",
  revoked: "Revoked",
  budget: "Budget reached",
};

export const SORT_OPTIONS: Record<ListSort, string> = {
  newest: "Newest",
  last_used: "Last used",
  usage: "7-day usage",
  cost: "Month-to-date cost",
  name: "Name",
};

const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess(first, z.enum(values).catch(values[0])).default(values[0]);

// Anything unknown in a hand-edited URL falls back to the default view rather than an error page.
const listParamsInput = z.object({
  q: z.preprocess(first, z.string().trim().max(200).catch("")).default(""),
  env: oneOf(LIST_ENVS),
  status: oneOf(LIST_STATUSES),
  sort: oneOf(LIST_SORTS),
  revoked: z.preprocess((v) => first(v) === "1", z.boolean()),
  page: z.preprocess(first, z.coerce.number().int().min(1).catch(1)).default(1),
  size: z.preprocess((v) => Number(first(v)), z.literal(KEYS_PAGE_SIZES).catch(KEYS_PAGE_SIZE)).default(KEYS_PAGE_SIZE),
});

export type KeysListParams = z.infer<typeof listParamsInput>;

export const DEFAULT_LIST_PARAMS: KeysListParams = {
  q: "",
  env: "all",
  status: "all",
  sort: "newest",
  revoked: false,
  page: 1,
  size: KEYS_PAGE_SIZE,
};

export function parseListParams(searchParams: Record<string, string | string[] | undefined>): KeysListParams {
  return listParamsInput.parse(searchParams);
}

/** The URL of a view, with defaults left out so the plain list stays `/dashboard/keys`. */
export function keysListHref(params: Partial<KeysListParams>): string {
  const p = { ...DEFAULT_LIST_PARAMS, ...params };
  const qs = new URLSearchParams();
  if (p.q) qs.set("q", p.q);
  if (p.env !== "all") qs.set("env", p.env);
  if (p.status !== "all") qs.set("status", p.status);
  if (p.sort !== "newest") qs.set("sort", p.sort);
  if (p.revoked) qs.set("revoked", "1");
  if (p.size !== KEYS_PAGE_SIZE) qs.set("size", String(p.size));
  if (p.page > 1) qs.set("page", String(p.page));
  const s = qs.toString();
  return s ? `${KEYS_LIST_PATH}?${s}` : KEYS_LIST_PATH;
}

/** Whether search or a filter narrows the list (sort and the revoked toggle do not hide keys one asked for). */
export const isFiltered = (p: KeysListParams) => p.q !== "" || p.env !== "all" || p.status !== "all";

export interface KeyListInput {
  key: KeyView;
  usage?: WeeklyUsage;
  limit?: KeyLimitState | null;
}

export interface KeyListRow extends KeyListInput {
  /** This month's spend (UTC), unflushed spend included. */
  costUsd: number;
  /** Another listed key has the same name: show the prefix next to it. */
  nameCollides: boolean;
  /** The key that replaced this one in a roll, when it is still known. */
  successor: { id: string; prefix: string } | null;
}

export interface KeysListPage {
  rows: KeyListRow[];
  /** Keys matching the view, on every page. */
  matching: number;
  page: number;
  pages: number;
  size: number;
  /** The first and last row's position among the matching keys, 1-based (0 when none). */
  from: number;
  to: number;
}

/** The status the list shows and filters by: an active key whose budget is spent is refused, so it is not "active". */
export function listStatus(row: KeyListInput): Exclude<ListStatus, "all"> {
  if (row.key.status === "active" && row.limit?.budgetReached) return "budget";
  return row.key.status;
}

/** Case-insensitive, in the name or the prefix; a pasted prefix may end with the list's ellipsis. */
export function matchesSearch(key: Pick<KeyView, "name" | "prefix">, q: string): boolean {
  const needle = q
    .trim()
    .replace(/(…|\.\.\.)$/, "")
    .toLowerCase();
  if (!needle) return true;
  return key.name.toLowerCase().includes(needle) || key.prefix.toLowerCase().includes(needle);
}

export function matchesFilters(row: KeyListInput, p: KeysListParams): boolean {
  const status = listStatus(row);
  // Revoked keys are history: listed only when asked for, by the toggle or the status filter.
  if (status === "revoked" && !p.revoked && p.status !== "revoked") return false;
  if (p.status !== "all" && status !== p.status) return false;
  if (p.env !== "all" && row.key.environment !== p.env) return false;
  return matchesSearch(row.key, p.q);
}

const newest = (a: KeyListInput, b: KeyListInput) =>
  b.key.created_at.localeCompare(a.key.created_at) || (a.key.id < b.key.id ? 1 : a.key.id > b.key.id ? -1 : 0);
const costOf = (r: KeyListInput) => r.limit?.spentUsd ?? 0;
const nameCollator = new Intl.Collator("en", { sensitivity: "base", numeric: true });

const comparators: Record<ListSort, (a: KeyListInput, b: KeyListInput) => number> = {
  newest,
  // Never-used keys last; among used ones the most recent first.
  last_used: (a, b) => (b.key.last_used_at ?? "").localeCompare(a.key.last_used_at ?? "") || newest(a, b),
  usage: (a, b) => (b.usage?.requests ?? 0) - (a.usage?.requests ?? 0) || newest(a, b),
  cost: (a, b) => costOf(b) - costOf(a) || newest(a, b),
  name: (a, b) => nameCollator.compare(a.key.name, b.key.name) || newest(a, b),
};

export function sortRows<T extends KeyListInput>(rows: T[], sort: ListSort): T[] {
  return [...rows].sort(comparators[sort]);
}

const nameKey = (name: string) => name.trim().toLowerCase();

/** The names that two or more of the given keys share. */
export function collidingNames(keys: Pick<KeyView, "name">[]): Set<string> {
  const seen = new Map<string, number>();
  for (const k of keys) seen.set(nameKey(k.name), (seen.get(nameKey(k.name)) ?? 0) + 1);
  return new Set([...seen].filter(([, n]) => n > 1).map(([name]) => name));
}

/**
 * One page of the view. `all` is every key of the owner (revoked ones too), so a rolled key's
 * successor is found even when the view hides it.
 */
export function buildKeysListPage(all: KeyListInput[], params: KeysListParams, pageSize: number = params.size): KeysListPage {
  const matching = sortRows(
    all.filter((r) => matchesFilters(r, params)),
    params.sort,
  );
  const collisions = collidingNames(matching.map((r) => r.key));
  const prefixes = new Map(all.map((r) => [r.key.id, r.key.prefix]));
  const pages = Math.max(1, Math.ceil(matching.length / pageSize));
  const page = Math.min(params.page, pages);
  const start = (page - 1) * pageSize;
  const rows = matching.slice(start, start + pageSize).map((r) => {
    const successorPrefix = r.key.replaced_by ? prefixes.get(r.key.replaced_by) : undefined;
    return {
      ...r,
      costUsd: costOf(r),
      nameCollides: collisions.has(nameKey(r.key.name)),
      successor: r.key.replaced_by && successorPrefix ? { id: r.key.replaced_by, prefix: successorPrefix } : null,
    };
  });
  return { rows, matching: matching.length, page, pages, size: pageSize, from: rows.length ? start + 1 : 0, to: start + rows.length };
}

/** The footer's counts, over every key rather than the filtered view. */
export function keyCounts(all: KeyListInput[]): { active: number; inactive: number } {
  const active = all.filter((r) => r.key.status === "active").length;
  return { active, inactive: all.length - active };
}
