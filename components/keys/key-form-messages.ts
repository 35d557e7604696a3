import { formatInteger, formatUsd } from "@/components/usage/format";
import type { NumberProblem } from "@/lib/forms/typed-number";
import { ALLOWED_MODELS_MAX, BUDGET_MAX_USD, BUDGET_MIN_USD, LIMIT_MAX, MODEL_ENTRY_MAX_LENGTH, NAME_MAX_LENGTH } from "@/lib/keys/bounds";

// What the key forms say about a value they cannot use, in the form's own words: each message
// names the field as its label does and says what would work. The bounds are the API's own.

export type LimitField = keyof typeof LIMIT_MAX;

export type PolicyField = LimitField | "monthly_budget_usd" | "allowed_providers" | "allowed_models" | "expires_at" | "permissions";

export type KeyFormField = "name" | "environment" | PolicyField;
export type FieldErrors = Partial<Record<KeyFormField, string>>;

/** The fields in the order the forms show them: the first one at fault gets focus. */
export const FIELD_ORDER: readonly KeyFormField[] = [
  "name",
  "environment",
  "requests_per_minute",
  "tokens_per_minute",
  "monthly_budget_usd",
  "expires_at",
  "allowed_providers",
  "allowed_models",
  "permissions",
];

export const FIELD_LABELS: Record<KeyFormField, string> = {
  name: "Name",
  environment: "Environment",
  requests_per_minute: "Requests per minute",
  tokens_per_minute: "Tokens per minute",
  monthly_budget_usd: "Monthly budget",
  expires_at: "Expiry date",
  allowed_providers: "Allowed providers",
  allowed_models: "Allowed models",
  permissions: "Permissions",
};

export const NAME_EMPTY = "Name can't be empty.";
export const NAME_TOO_LONG = `Name can be at most ${NAME_MAX_LENGTH} characters.`;
export const ENVIRONMENT_INVALID = "Environment must be Live or Test.";

export function limitMessage(field: LimitField, problem: NumberProblem): string {
  const label = FIELD_LABELS[field];
  const range = `a whole number from 1 to ${formatInteger(LIMIT_MAX[field])}`;
  switch (problem) {
    case "fraction":
      return `${label} must be ${range}, without decimals.`;
    case "negative":
      return `${label} can't be negative: use ${range}, or leave it empty for no limit.`;
    case "zero":
      return `${label} can't be 0: use ${range}, or leave it empty for no limit.`;
    case "max":
      return `${label} can be at most ${formatInteger(LIMIT_MAX[field])}.`;
    default:
      return `${label} must be ${range}.`;
  }
}

export function budgetMessage(problem: NumberProblem): string {
  switch (problem) {
    case "negative":
      return "Monthly budget can't be negative: enter an amount in dollars, like 25 or 12.50, or leave it empty for no budget.";
    case "zero":
      return "Monthly budget must be more than $0: leave it empty for no budget.";
    case "min":
      return `Monthly budget must be at least $${BUDGET_MIN_USD}: spend is counted to 4 decimal places.`;
    case "max":
      return `Monthly budget can be at most ${formatUsd(BUDGET_MAX_USD).replace(/\.00$/, "")}.`;
    default:
      return "Monthly budget must be an amount in dollars, like 25 or 12.50.";
  }
}

export const EXPIRY_MISSING = "Choose an expiry date.";
export const EXPIRY_NOT_A_DATE = "Expiry date must be a date, like 2027-01-31.";
export const EXPIRY_PAST = "Expiry date must be after today.";

export const modelPatternMessage = (entry: string) =>
  `Allowed models: “${entry}” isn't a model name or a prefix ending in one *, like gpt-5*.`;
export const MODEL_TOO_LONG = `Allowed models: each name can be at most ${MODEL_ENTRY_MAX_LENGTH} characters.`;
export const MODELS_TOO_MANY = `Allowed models can list at most ${ALLOWED_MODELS_MAX} models.`;
export const MODELS_RULE = "Allowed models must be model names, or prefixes ending in one * like gpt-5*, separated by commas.";

export const PROVIDERS_RULE = "Choose providers from the list, or none for every provider.";
export const PERMISSIONS_EMPTY = "Choose at least one permission.";

/** What a forgivingly read limit was understood as: "1e6 → 1,000,000 requests per minute". */
export function understoodText(field: LimitField | "monthly_budget_usd", typed: string, value: number): string {
  const as =
    field === "monthly_budget_usd"
      ? `${formatUsd(value)} a month`
      : `${formatInteger(value)} ${field === "requests_per_minute" ? "requests" : "tokens"} per minute`;
  return `${typed.trim()} → ${as}`;
}

/** "Fix 2 fields to continue." */
export const summaryText = (count: number) => `Fix ${count} ${count === 1 ? "field" : "fields"} to continue.`;
