import type { Permission } from "@/lib/auth/permissions";
import type { KeyPolicyInput } from "./keys-api";

// Reading a key form's policy fields into the API's body, and mapping the API's errors back onto
// those fields: the logic of components/keys/policy-fields.tsx, without React.

export type PolicyField =
  | "requests_per_minute"
  | "tokens_per_minute"
  | "monthly_budget_usd"
  | "allowed_providers"
  | "allowed_models"
  | "expires_at"
  | "permissions";

/** Which field a server error's `param` names (`limits.requests_per_minute`, `allowed_models.0`, …). */
export function policyFieldOf(param: string | undefined): PolicyField | null {
  if (!param) return null;
  const [head, sub] = param.split(".");
  if (head === "limits") {
    return sub === "requests_per_minute" || sub === "tokens_per_minute" || sub === "monthly_budget_usd" ? sub : "requests_per_minute";
  }
  return head === "allowed_providers" || head === "allowed_models" || head === "expires_at" || head === "permissions" ? head : null;
}

/** The form control to focus for a field's error. */
export function policyFieldControl(form: HTMLFormElement, field: PolicyField): HTMLElement | null {
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

/**
 * A number as typed: empty means no limit; "100,000" and "$25" are read as numbers; anything
 * else goes to the server as typed, so its message (the one API users get) explains it.
 */
function numberField(raw: FormDataEntryValue | null): number | string | null {
  const text = String(raw ?? "").trim();
  if (text === "") return null;
  const cleaned = text.replace(/^\$/, "").replace(/[,_\s]/g, "");
  return /^-?\d+(\.\d+)?$/.test(cleaned) ? Number(cleaned) : text;
}

function listField(raw: FormDataEntryValue | null): string[] | null {
  const items = String(raw ?? "")
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : null;
}

function expiryField(form: FormData, now: number): string | null | undefined {
  const choice = String(form.get("expires_in") ?? "never");
  if (choice === "keep") return undefined;
  if (choice === "never") return null;
  if (choice === "custom") {
    const day = String(form.get("expires_on") ?? "");
    // Midnight UTC at the start of the chosen day; an empty date goes to the server, which explains it.
    return day ? `${day}T00:00:00.000Z` : "";
  }
  return new Date(now + Number(choice) * DAY_MS).toISOString();
}

/** The policy part of a create or PATCH body, read from the form. */
export function readPolicy(form: FormData, now = Date.now()): KeyPolicyInput {
  const providers = form.getAll("allowed_providers").map(String);
  const body: KeyPolicyInput = {
    permissions: form.getAll("permissions").map(String) as Permission[],
    limits: {
      requests_per_minute: numberField(form.get("requests_per_minute")),
      tokens_per_minute: numberField(form.get("tokens_per_minute")),
      monthly_budget_usd: numberField(form.get("monthly_budget_usd")),
    },
    // None checked: every provider, also the ones added later.
    allowed_providers: providers.length > 0 ? providers : null,
    allowed_models: listField(form.get("allowed_models")),
  };
  const expires = expiryField(form, now);
  if (expires !== undefined) body.expires_at = expires;
  return body;
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
