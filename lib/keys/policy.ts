import { z } from "zod";
import type { KeyRecord } from "@/db/queries/keys";
import { listProviders } from "@/lib/gateway/providers";
import {
  ALLOWED_MODELS_MAX,
  ALLOWED_PROVIDERS_MAX,
  BUDGET_MAX_USD,
  BUDGET_MIN_USD,
  LIMIT_MAX,
  MODEL_ENTRY_MAX_LENGTH,
  MODEL_PATTERN,
} from "./bounds";

// A key's policy: what it may call and how much. Every field is optional; null means
// "no limit" or "anything". Validated here, enforced by the gateway (lib/limits).

export interface KeyPolicy {
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  monthlyBudgetUsd: number | null;
  allowedProviders: string[] | null;
  allowedModels: string[] | null;
}

const limit = (field: string, max: number) =>
  z
    .number({ error: `limits.${field} must be a number or null.` })
    .int(`limits.${field} must be a whole number.`)
    .min(1, `limits.${field} must be at least 1.`)
    .max(max, `limits.${field} must be at most ${max}.`)
    .nullable()
    .optional();

export const limitsInput = z
  .object(
    {
      requests_per_minute: limit("requests_per_minute", LIMIT_MAX.requests_per_minute),
      tokens_per_minute: limit("tokens_per_minute", LIMIT_MAX.tokens_per_minute),
      monthly_budget_usd: z
        .number({ error: "limits.monthly_budget_usd must be a number or null." })
        .positive("limits.monthly_budget_usd must be more than 0.")
        .min(BUDGET_MIN_USD, `limits.monthly_budget_usd must be at least ${BUDGET_MIN_USD}: amounts are kept to 4 decimal places.`)
        .max(BUDGET_MAX_USD, `limits.monthly_budget_usd must be at most ${BUDGET_MAX_USD}.`)
        .nullable()
        .optional(),
    },
    { error: "limits must be an object." },
  )
  .strict();

const providerIds = () => listProviders().map((p) => p.id);

export const allowedProvidersInput = z
  .array(z.string(), { error: "allowed_providers must be an array of provider ids, or null." })
  .min(1, "allowed_providers must not be empty; use null to allow every provider.")
  .max(ALLOWED_PROVIDERS_MAX)
  .superRefine((ids, ctx) => {
    const known = providerIds();
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length) {
      ctx.addIssue({
        code: "custom",
        message: `allowed_providers has unknown providers: ${unknown.join(", ")}. Known: ${known.join(", ")}.`,
      });
    }
  })
  .nullable()
  .optional();

export const allowedModelsInput = z
  .array(
    z
      .string()
      .trim()
      .min(1, "allowed_models entries must not be empty.")
      .max(MODEL_ENTRY_MAX_LENGTH, `allowed_models entries must be at most ${MODEL_ENTRY_MAX_LENGTH} characters.`)
      .regex(MODEL_PATTERN, "allowed_models entries are exact names or prefixes ending in a single '*'."),
    { error: "allowed_models must be an array of model names, or null." },
  )
  .min(1, "allowed_models must not be empty; use null to allow every model.")
  .max(ALLOWED_MODELS_MAX, `allowed_models may list at most ${ALLOWED_MODELS_MAX} entries.`)
  .nullable()
  .optional();

export const expiresAtInput = z
  .string({ error: "expires_at must be an ISO 8601 timestamp or null." })
  .datetime({ offset: true, error: "expires_at must be an ISO 8601 timestamp such as 2027-01-31T00:00:00Z." })
  .refine((v) => Date.parse(v) > Date.now(), "expires_at must be in the future.")
  .nullable()
  .optional();

/** The policy fields of a create or update body, as database columns (undefined: unchanged). */
export function policyColumns(input: {
  limits?: z.infer<typeof limitsInput>;
  allowed_providers?: string[] | null;
  allowed_models?: string[] | null;
  expires_at?: string | null;
}) {
  const out: Partial<KeyPolicy & { expiresAt: Date | null }> = {};
  if (input.limits) {
    if (input.limits.requests_per_minute !== undefined) out.requestsPerMinute = input.limits.requests_per_minute;
    if (input.limits.tokens_per_minute !== undefined) out.tokensPerMinute = input.limits.tokens_per_minute;
    if (input.limits.monthly_budget_usd !== undefined) out.monthlyBudgetUsd = input.limits.monthly_budget_usd;
  }
  if (input.allowed_providers !== undefined) out.allowedProviders = input.allowed_providers && [...new Set(input.allowed_providers)];
  if (input.allowed_models !== undefined) out.allowedModels = input.allowed_models && [...new Set(input.allowed_models)];
  if (input.expires_at !== undefined) out.expiresAt = input.expires_at === null ? null : new Date(input.expires_at);
  return out;
}

export function policyOf(k: KeyRecord): KeyPolicy {
  return {
    requestsPerMinute: k.requestsPerMinute,
    tokensPerMinute: k.tokensPerMinute,
    monthlyBudgetUsd: k.monthlyBudgetUsd,
    allowedProviders: k.allowedProviders,
    allowedModels: k.allowedModels,
  };
}

export function serializePolicy(k: KeyRecord) {
  return {
    limits: {
      requests_per_minute: k.requestsPerMinute,
      tokens_per_minute: k.tokensPerMinute,
      monthly_budget_usd: k.monthlyBudgetUsd,
    },
    allowed_providers: k.allowedProviders,
    allowed_models: k.allowedModels,
  };
}

/** Exact names, or prefixes ending in `*`. */
export function modelAllowed(allowed: string[] | null, model: string | null): boolean {
  if (!allowed) return true;
  if (!model) return false;
  return allowed.some((a) => (a.endsWith("*") ? model.startsWith(a.slice(0, -1)) : a === model));
}
