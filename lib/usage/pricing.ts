import { readFileSync } from "node:fs";
import { getEnv } from "@/lib/env";
import defaults from "./pricing.json";

// Prices are data (pricing.json), overridable by the operator (PRICING_FILE). A model
// not in the table gets no price: its cost is recorded as unknown, never as $0.

export interface Price {
  /** USD per million input tokens (uncached). */
  input: number;
  /** USD per million cached input tokens; the input price when the provider has no discount. */
  cached_input?: number;
  output: number;
}

export interface TokenCounts {
  /** All input tokens, cached ones included. */
  inputTokens: number;
  cachedInputTokens: number;
  outputTokens: number;
}

// Only version-like suffixes inherit a price: gpt-4o-2024-08-06 is gpt-4o, but
// gpt-5.2-pro is not gpt-5.2.
const VERSION_SUFFIX = /^-(?:\d{4}-\d{2}-\d{2}|\d{8}|\d{4}|\d{3}|latest|preview(?:-[\w.-]+)?|exp(?:-[\w.-]+)?|v\d+(?:\.\d+)*)$/;

let table: Map<string, Price> | undefined;

function load(): Map<string, Price> {
  const merged: Record<string, unknown> = { ...defaults };
  const file = getEnv().PRICING_FILE;
  if (file) Object.assign(merged, JSON.parse(readFileSync(file, "utf8")));
  const out = new Map<string, Price>();
  for (const [k, v] of Object.entries(merged)) {
    if (!k.startsWith("_")) out.set(k, v as Price);
  }
  return out;
}

export function priceFor(provider: string, model: string): Price | null {
  table ??= load();
  const name = model.startsWith("models/") ? model.slice("models/".length) : model;
  const exact = table.get(`${provider}/${name}`);
  if (exact) return exact;
  let best: { len: number; price: Price } | null = null;
  for (const [key, price] of table) {
    const base = key.slice(provider.length + 1);
    if (
      key.startsWith(`${provider}/`) &&
      name.startsWith(base) &&
      VERSION_SUFFIX.test(name.slice(base.length)) &&
      (!best || base.length > best.len)
    ) {
      best = { len: base.length, price };
    }
  }
  return best?.price ?? null;
}

export function costUsd(price: Price, t: TokenCounts): number {
  const cached = Math.min(t.cachedInputTokens, t.inputTokens);
  const usd = (t.inputTokens - cached) * price.input + cached * (price.cached_input ?? price.input) + t.outputTokens * price.output;
  return usd / 1_000_000;
}

/** Tests and operators changing PRICING_FILE at run time. */
export function reloadPricing(): void {
  table = undefined;
}
