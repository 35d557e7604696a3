import type { KeyRecord } from "@/db/queries/keys";
import { usageByHour, type UsageFilter, type UsageRange, type UsageSums } from "@/db/queries/usage-read";
import { chartSeries, weeklyUsage, type BucketKeyRow, type ChartPoint, type SeriesKey, type WeeklyUsage } from "@/lib/usage/chart-series";
import { byTokens, filterChoices, keyTotals, onlyChosen, type FilterChoices, type KeyTotal, type ModelRow } from "@/lib/usage/breakdown";
import { csvHref, paramsRange, rangeLabel, type DashboardParams, type Environment } from "@/lib/usage/dashboard-url";
import { addDays, eachDay, isoDay, queryUsage, sumRows } from "@/lib/usage/query";

// What the dashboard pages show, loaded in one place so the pages stay thin: the overview
// (totals, per-key series, models) and the keys table's 7-day column (a key's own page: ./key-page.ts).
// The URL state is in ./dashboard-url.ts, the shaping of rows into charts in ./chart-series.ts.

export type { KeyTotal, ModelRow } from "@/lib/usage/breakdown";

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
  /** "last 7 days" or the custom dates, for headings and stats. */
  rangeLabel: string;
  totals: UsageSums;
  points: ChartPoint[];
  series: SeriesKey[];
  /** The models of the filtered view, most tokens first. */
  models: ModelRow[];
  /** Per key of the filtered view, with requests: most cost first. */
  keyTotals: KeyTotal[];
  /** "provider/model" of every model that had requests without a price. */
  unpricedModels: string[];
  /** Keys of the shown environment, for the key selector. */
  keyOptions: KeyOption[];
  selectedKey: KeyOption | null;
  /** Providers and models used in the range (with the key and environment chosen), for their selects. */
  choices: FilterChoices;
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
  const chosen = { provider: params.provider ?? null, model: params.provider ? (params.model ?? null) : null };
  const effective: DashboardParams = { ...params, keyId: selectedKey?.id ?? null, env, ...chosen };
  const range = paramsRange(effective, now);
  const unfiltered: UsageFilter = { ownerId, range, keyId: effective.keyId ?? undefined, environment: env };
  const filter: UsageFilter = { ...unfiltered, provider: chosen.provider ?? undefined, model: chosen.model ?? undefined };

  const rows = await bucketKeyRows(filter);
  // One query serves both the selects (every model used) and the breakdown (the chosen ones).
  const used = (await queryUsage(unfiltered, ["provider", "model"])).map((r) => ({ ...r, provider: r.provider!, model: r.model! }));
  const models = onlyChosen(used, chosen).sort(byTokens);
  const { points, series } = chartSeries(range, rows);
  const known = keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, revoked: k.revokedAt !== null }));

  return {
    params: effective,
    range,
    rangeLabel: rangeLabel(effective),
    totals: sumRows(rows),
    points,
    series,
    models,
    keyTotals: keyTotals(rows, known),
    unpricedModels: models.filter((m) => m.unpricedRequests > 0).map((m) => `${m.provider}/${m.model}`),
    keyOptions: all.filter((k) => k.environment === env),
    selectedKey,
    choices: filterChoices(used, chosen),
    csvHref: csvHref(range, effective.keyId, env, chosen),
  };
}

// ---- the keys table's 7-day column -------------------------------------------------------

export const WEEK_DAYS = 7;

/** Every key's last 7 days (today included), from one grouped query. */
export async function loadWeeklyUsage({
  ownerId,
  now = new Date(),
}: {
  ownerId: string;
  now?: Date;
}): Promise<Record<string, WeeklyUsage>> {
  const today = isoDay(now);
  const from = addDays(today, -(WEEK_DAYS - 1));
  const rows = await queryUsage({ ownerId, range: { kind: "days", from, to: today } }, ["day", "key"]);
  return weeklyUsage(eachDay(from, today), rows);
}
