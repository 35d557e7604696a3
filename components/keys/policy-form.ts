import type { Permission } from "@/lib/auth/permissions";
import { parseDollars, parseWholeNumber } from "@/lib/forms/typed-number";
import {
  ALLOWED_MODELS_MAX,
  BUDGET_MAX_USD,
  BUDGET_MIN_USD,
  LIMIT_MAX,
  MODEL_ENTRY_MAX_LENGTH,
  MODEL_PATTERN,
  NAME_MAX_LENGTH,
} from "@/lib/keys/bounds";
import {
  budgetMessage,
  EXPIRY_MISSING,
  EXPIRY_NOT_A_DATE,
  EXPIRY_PAST,
  FIELD_ORDER,
  type FieldErrors,
  type KeyFormField,
  type LimitField,
  limitMessage,
  MODEL_TOO_LONG,
  MODELS_TOO_MANY,
  modelPatternMessage,
  NAME_EMPTY,
  NAME_TOO_LONG,
  PERMISSIONS_EMPTY,
  type PolicyField,
  understoodText,
} from "./key-form-messages";
import type { KeyPolicyInput } from "./keys-api";

// Reading and checking a key form's fields before anything is sent, and finding the control of
// a field at fault: the logic of the key dialogs (./policy-fields.tsx), without React.

export type { FieldErrors, KeyFormField, PolicyField } from "./key-form-messages";

/** Which field a server error's `param` names (`limits.requests_per_minute`, `allowed_models.0`, …). */
export function policyFieldOf(param: string | undefined): PolicyField | null {
  if (!param) return null;
  const [head, sub] = param.split(".");
  if (head === "limits") {
    return sub === "requests_per_minute" || sub === "tokens_per_minute" || sub === "monthly_budget_usd" ? sub : "requests_per_minute";
  }
  return head === "allowed_providers" || head === "allowed_models" || head === "expires_at" || head === "permissions" ? head : null;
}

/** The form control to focus for a field's error: the first of a group of checkboxes. */
export function fieldControl(form: HTMLFormElement, field: KeyFormField): HTMLElement | null {
  if (field === "expires_at") {
    return form.querySelector<HTMLElement>('[name="expires_on"]') ?? form.querySelector<HTMLElement>('[name="expires_in"]');
  }
  return form.querySelector<HTMLElement>(`[name="${field}"]`);
}

export interface PolicyInitial {
  permissions: readonly string[];
  limits: { requests_per_minute: number | null; tokens_per_minute: number | null; monthly_budget_usd: number | null };
  allowed_providers: readonly string[] | null;
  allowed_models: readonly string[] | null;
  expires_at: string | null;
}

export const BLANK_POLICY: PolicyInitial = {
  permissions: ["proxy"],
  limits: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
  allowed_providers: null,
  allowed_models: null,
  expires_at: null,
};

const DAY_MS = 24 * 3600 * 1000;
/** The expiry choices besides never, a date and (when editing) unchanged. */
export const EXPIRY_DAYS = [7, 30, 90] as const;

function listField(raw: FormDataEntryValue | null): string[] | null {
  const items = String(raw ?? "")
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
}

/** The expiry as the API takes it (undefined: unchanged), or the reason it cannot be. */
function expiryField(form: FormData, now: number): { value?: string | null; error?: string } {
  const choice = String(form.get("expires_in") ?? "never");
  if (choice === "keep") return {};
  if (choice === "never") return { value: null };
  if (choice === "custom") {
    const day = String(form.get("expires_on") ?? "").trim();
    if (day === "") return { error: EXPIRY_MISSING };
    // Midnight UTC at the start of the chosen day, which the API requires to be in the future.
    const iso = `${day}T00:00:00.000Z`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(iso))) return { error: EXPIRY_NOT_A_DATE };
    return Date.parse(iso) > now ? { value: iso } : { error: EXPIRY_PAST };
  }
  return { value: new Date(now + Number(choice) * DAY_MS).toISOString() };
}

function modelsError(models: string[] | null): string | undefined {
  if (!models) return undefined;
  if (models.length > ALLOWED_MODELS_MAX) return MODELS_TOO_MANY;
  if (models.some((m) => m.length > MODEL_ENTRY_MAX_LENGTH)) return MODEL_TOO_LONG;
  const bad = models.find((m) => !MODEL_PATTERN.test(m));
  return bad === undefined ? undefined : modelPatternMessage(bad);
}

export interface PolicyCheck {
  /** The policy part of a create or PATCH body; send it only when `errors` is empty. */
  body: KeyPolicyInput;
  /** Every field at fault at once, in the form's words. */
  errors: FieldErrors;
  /** What a limit typed unusually ("1e6") was read as, for the note under it. */
  understood: Partial<Record<LimitField | "monthly_budget_usd", string>>;
}

/** Reads and checks the policy fields of a form against the API's own bounds. */
export function checkPolicy(form: FormData, now = Date.now()): PolicyCheck {
  const errors: FieldErrors = {};
  const understood: PolicyCheck["understood"] = {};
  const limits: Record<string, number | null> = {};
  for (const field of ["requests_per_minute", "tokens_per_minute", "monthly_budget_usd"] as const) {
    const typed = String(form.get(field) ?? "");
    const read =
      field === "monthly_budget_usd"
        ? parseDollars(typed, { min: BUDGET_MIN_USD, max: BUDGET_MAX_USD })
        : parseWholeNumber(typed, { min: 1, max: LIMIT_MAX[field] });
    if (!read.ok) {
      errors[field] = field === "monthly_budget_usd" ? budgetMessage(read.problem) : limitMessage(field, read.problem);
      continue;
    }
    limits[field] = read.value;
    if (read.reinterpreted && read.value !== null) understood[field] = understoodText(field, typed, read.value);
  }
  const providers = form.getAll("allowed_providers").map(String);
  const models = listField(form.get("allowed_models"));
  const permissions = form.getAll("permissions").map(String) as Permission[];
  const body: KeyPolicyInput = {
    permissions,
    limits,
    // None checked: every provider, also the ones added later.
    allowed_providers: providers.length > 0 ? providers : null,
    allowed_models: models,
  };
  const expiry = expiryField(form, now);
  if (expiry.error) errors.expires_at = expiry.error;
  else if (expiry.value !== undefined) body.expires_at = expiry.value;
  const modelsProblem = modelsError(models);
  if (modelsProblem) errors.allowed_models = modelsProblem;
  if (permissions.length === 0) errors.permissions = PERMISSIONS_EMPTY;
  return { body, errors, understood };
}

/** A key's name as the API stores it (trimmed), or why it cannot be. */
export function checkName(raw: FormDataEntryValue | null): { name: string; error?: string } {
  const name = String(raw ?? "").trim();
  if (name === "") return { name, error: NAME_EMPTY };
  return name.length > NAME_MAX_LENGTH ? { name, error: NAME_TOO_LONG } : { name };
}

/** Only the fields a form shows, in the order it shows them. */
export function firstField(errors: FieldErrors): KeyFormField | null {
  return FIELD_ORDER.find((f) => errors[f] !== undefined) ?? null;
}

/** How many policy fields a create form sets beyond the defaults, for the closed section's summary. */
export function countPolicy(form: FormData): number {
  const filled = (name: string) => String(form.get(name) ?? "").trim() !== "";
  const permissions = form.getAll("permissions").map(String);
  return [
    filled("requests_per_minute"),
    filled("tokens_per_minute"),
    filled("monthly_budget_usd"),
    form.getAll("allowed_providers").length > 0,
    filled("allowed_models"),
    String(form.get("expires_in") ?? "never") !== "never",
    permissions.length !== 1 || permissions[0] !== "proxy",
  ].filter(Boolean).length;
}

/** Tomorrow in UTC as yyyy-mm-dd: the earliest day a custom expiry can start. */
export function tomorrowUtc(now = Date.now()): string {
  return new Date(now + DAY_MS).toISOString().slice(0, 10);
}
