// The bounds of a key's fields, in a module with no imports so the dashboard's forms can check
// them in the browser with the very numbers the API's schemas (./inputs.ts, ./policy.ts) enforce.

export const NAME_MAX_LENGTH = 100;

/** Whole-number limits: at least 1, at most these. */
export const LIMIT_MAX = {
  requests_per_minute: 1_000_000,
  tokens_per_minute: 1_000_000_000,
} as const;

/** A monthly budget is at least this (spend is kept to 4 decimal places: less would be stored as $0) and at most the max. */
export const BUDGET_MIN_USD = 0.0001;
export const BUDGET_MAX_USD = 10_000_000;

export const ALLOWED_PROVIDERS_MAX = 50;
export const ALLOWED_MODELS_MAX = 200;
export const MODEL_ENTRY_MAX_LENGTH = 200;
/** An exact model name, or a prefix ending in a single `*`. */
export const MODEL_PATTERN = /^[^*]+\*?$/;
