import type { UsageSums } from "@/db/queries/usage-read";
import type { BucketKeyRow } from "@/lib/usage/chart-series";
import { sumRows } from "@/lib/usage/query";

// The overview's tables and filter choices, shaped from rows it already loaded. No database here.

export interface ModelRow extends UsageSums {
  provider: string;
  model: string;
}

export interface KeyTotal extends UsageSums {
  id: string;
  /** The key's name; with its prefix when another key in the table has the same name. */
  label: string;
  revoked: boolean;
  /** Share of the table's known cost (0..1); null when nothing had a price. */
  costShare: number | null;
}

export interface KnownKey {
  id: string;
  name: string;
  prefix: string;
  revoked: boolean;
}

/** One row per key with requests, from per-bucket rows: most cost first, then most tokens. */
export function keyTotals(rows: BucketKeyRow[], keys: KnownKey[]): KeyTotal[] {
  const byKey = new Map<string, BucketKeyRow[]>();
  for (const r of rows) byKey.set(r.keyId, [...(byKey.get(r.keyId) ?? []), r]);
  const known = new Map(keys.map((k) => [k.id, k]));
  const totals = [...byKey.entries()]
    .map(([id, rs]) => ({ id, key: known.get(id), sums: sumRows(rs), name: known.get(id)?.name ?? rs[0].keyName ?? id }))
    .filter((t) => t.sums.requests > 0);
  const cost = totals.reduce((n, t) => n + t.sums.costUsd, 0);
  const named = new Map<string, number>();
  for (const t of totals) named.set(t.name, (named.get(t.name) ?? 0) + 1);
  return totals
    .map(({ id, key, sums, name }) => ({
      ...sums,
      id,
      label: (named.get(name) ?? 0) > 1 ? `${name} (${key ? `${key.prefix}…` : id})` : name,
      revoked: key?.revoked ?? false,
      costShare: cost > 0 ? sums.costUsd / cost : null,
    }))
    .sort((a, b) => b.costUsd - a.costUsd || b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.requests - a.requests);
}

/** Models by tokens, most first (then by requests). */
export const byTokens = (a: ModelRow, b: ModelRow) =>
  b.inputTokens + b.outputTokens - (a.inputTokens + a.outputTokens) || b.requests - a.requests;

export interface FilterChoices {
  providers: string[];
  /** The chosen provider's models, or every provider's when none is chosen. */
  models: { provider: string; model: string }[];
}

/**
 * What the provider and model selects offer: what was used in the view before those two filters,
 * plus the chosen ones (so a shared link still shows its choice where nothing matches).
 */
export function filterChoices(used: ModelRow[], chosen: { provider?: string | null; model?: string | null }): FilterChoices {
  const providers = new Set(used.map((m) => m.provider));
  if (chosen.provider) providers.add(chosen.provider);
  const models = new Map<string, { provider: string; model: string }>();
  for (const m of used) if (!chosen.provider || m.provider === chosen.provider) models.set(`${m.provider}/${m.model}`, m);
  if (chosen.provider && chosen.model) models.set(`${chosen.provider}/${chosen.model}`, { provider: chosen.provider, model: chosen.model });
  const order = (a: { provider: string; model: string }, b: { provider: string; model: string }) =>
    a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model);
  return {
    providers: [...providers].sort((a, b) => a.localeCompare(b)),
    models: [...models.values()].map(({ provider, model }) => ({ provider, model })).sort(order),
  };
}

/** The rows the provider and model filters keep. */
export function onlyChosen(rows: ModelRow[], chosen: { provider?: string | null; model?: string | null }): ModelRow[] {
  return rows.filter((m) => (!chosen.provider || m.provider === chosen.provider) && (!chosen.model || m.model === chosen.model));
}
