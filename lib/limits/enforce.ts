import { FORMATS, type WireFormat } from "@/lib/gateway/formats";
import { AppError } from "@/lib/errors";
import { modelAllowed } from "@/lib/keys/policy";
import type { VerifiedKey } from "@/lib/keys/verifier";
import { monthSpend } from "./budget";
import type { Reservation } from "./limiter";
import { policyRuntime } from "./runtime";

// The gateway's policy checks, in the order a refusal is cheapest: allow-lists (no I/O),
// budget (a cached snapshot), rate limits (memory or one Redis round trip). Nothing here runs
// for a key without a policy.

export function assertProviderAllowed(key: VerifiedKey, provider: string): void {
  const allowed = key.policy.allowedProviders;
  if (allowed && !allowed.includes(provider)) {
    throw new AppError("forbidden", `This NeuronEdge API key may not call '${provider}'. Allowed providers: ${allowed.join(", ")}.`);
  }
}

export function assertModelAllowed(key: VerifiedKey, model: string | null): void {
  const allowed = key.policy.allowedModels;
  if (modelAllowed(allowed, model)) return;
  throw new AppError(
    "forbidden",
    model
      ? `This NeuronEdge API key may not use model '${model}'. Allowed models: ${allowed!.join(", ")}.`
      : "This NeuronEdge API key is limited to certain models, and this request names none.",
  );
}

const usd = (n: number) => `$${n.toFixed(2)}`;

export async function assertWithinBudget(key: VerifiedKey, now = Date.now()): Promise<void> {
  const budget = key.policy.monthlyBudgetUsd;
  if (budget === null) return;
  const spent = await monthSpend(key.id, now);
  if (spent < budget) return;
  const d = new Date(now);
  const resets = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  throw new AppError(
    "payment_required",
    `This NeuronEdge API key has reached its monthly budget of ${usd(budget)} (spent ${usd(spent)} this month, UTC). ` +
      `It resets on ${resets}, or when the budget is raised.`,
  );
}

export interface Admission {
  /** Rate-limit headers for the response, refused or not. */
  headers: Record<string, string>;
  reservation: Reservation | null;
}

const NONE: Admission = { headers: {}, reservation: null };

/** Counts the request against the key's per-minute limits; 429 with Retry-After when over. */
export async function admit(key: VerifiedKey, estimatedTokens: number): Promise<Admission> {
  const { requestsPerMinute, tokensPerMinute } = key.policy;
  if (requestsPerMinute === null && tokensPerMinute === null) return NONE;
  const d = await policyRuntime().limiter.acquire(key.id, { requestsPerMinute, tokensPerMinute }, estimatedTokens);
  if (d.allowed) return { headers: d.headers, reservation: d.reservation };
  const what = d.refusedBy === "tokens" ? `${tokensPerMinute} tokens` : `${requestsPerMinute} requests`;
  throw new AppError(
    "rate_limited",
    d.tooLarge
      ? `This request's estimated ${estimatedTokens} tokens exceed this key's limit of ${what} per minute.`
      : `Rate limit reached for this NeuronEdge API key: ${what} per minute. Retry after ${d.retryAfterSeconds} s.`,
    { headers: { ...d.headers, ...(d.tooLarge ? {} : { "retry-after": String(d.retryAfterSeconds) }) } },
  );
}

/** Replaces the reserved estimate with the tokens the call really used. */
export function settle(reservation: Reservation | null, actualTokens: number): void {
  if (reservation) void policyRuntime().limiter.settle(reservation, actualTokens);
}

const DEFAULT_OUTPUT_RESERVE = 256;

/**
 * Tokens to reserve before the call: the prompt at ~4 bytes a token, plus the output the
 * request allows (max_tokens and its cousins), or a modest default when it sets none.
 */
export function estimateTokens(format: WireFormat, bodyBytes: number, json: Record<string, unknown> | null): number {
  const cap = json && FORMATS[format].outputCaps(json).find((v): v is number => typeof v === "number" && v > 0);
  return Math.ceil(bodyBytes / 4) + (cap ?? DEFAULT_OUTPUT_RESERVE);
}
