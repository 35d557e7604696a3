"use client";

import { useId, useState } from "react";
import { formatDate } from "@/components/ui/date-time";
import { Checkbox, FieldError, FieldHint, Input, Label, Select, Textarea } from "@/components/ui/input";
import { PERMISSIONS, type Permission } from "@/lib/auth/permissions";
import type { KeyPolicyInput } from "./keys-api";
import { PERMISSION_LABELS, type ProviderOption } from "./policy-format";

// The policy part of a key form: limits, allow-lists, expiry, permissions. Shared by the
// create dialog (blank) and the key page's edit dialog (filled in). The server validates
// every value and its message, naming the field, is shown under that field.

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
const EXPIRY_DAYS = [7, 30, 90] as const;

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

function expiryField(form: FormData): string | null | undefined {
  const choice = String(form.get("expires_in") ?? "never");
  if (choice === "keep") return undefined;
  if (choice === "never") return null;
  if (choice === "custom") {
    const day = String(form.get("expires_on") ?? "");
    // Midnight UTC at the start of the chosen day; an empty date goes to the server, which explains it.
    return day ? `${day}T00:00:00.000Z` : "";
  }
  return new Date(Date.now() + Number(choice) * DAY_MS).toISOString();
}

/** The policy part of a create or PATCH body, read from the form. */
export function readPolicy(form: FormData): KeyPolicyInput {
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
  const expires = expiryField(form);
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
function tomorrowUtc(): string {
  return new Date(Date.now() + DAY_MS).toISOString().slice(0, 10);
}

// The three limits share one input shape: empty means no limit.
const LIMIT_FIELDS = [
  { name: "requests_per_minute", id: "rpm", label: "Requests per minute", inputMode: "numeric" },
  { name: "tokens_per_minute", id: "tpm", label: "Tokens per minute", inputMode: "numeric" },
  { name: "monthly_budget_usd", id: "budget", label: "Monthly budget (USD)", inputMode: "decimal" },
] as const;

export function PolicyFields({
  providers,
  initial,
  error,
  pending,
  mode,
}: {
  providers: readonly ProviderOption[];
  initial: PolicyInitial;
  error: { field: PolicyField; message: string } | null;
  pending: boolean;
  mode: "create" | "edit";
}) {
  const ids = {
    rpm: useId(),
    tpm: useId(),
    budget: useId(),
    expiry: useId(),
    date: useId(),
    dateHint: useId(),
    models: useId(),
    modelsHint: useId(),
    providersHint: useId(),
    limitsHint: useId(),
    error: useId(),
  };
  const keep = mode === "edit" && initial.expires_at !== null;
  const [expiry, setExpiry] = useState<string>(keep ? "keep" : "never");
  const errorFor = (field: PolicyField) => (error?.field === field ? error.message : null);
  const invalid = (field: PolicyField) => (error?.field === field ? true : undefined);
  const describedBy = (field: PolicyField, ...others: string[]) =>
    [...others, error?.field === field ? ids.error : null].filter(Boolean).join(" ") || undefined;
  const fieldError = (field: PolicyField) => errorFor(field) && <FieldError id={ids.error}>{errorFor(field)}</FieldError>;

  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <div className="grid gap-4 sm:grid-cols-2">
          {LIMIT_FIELDS.map((f) => (
            <div key={f.name} className="space-y-1.5">
              <Label htmlFor={ids[f.id]}>{f.label}</Label>
              <Input
                id={ids[f.id]}
                name={f.name}
                inputMode={f.inputMode}
                autoComplete="off"
                placeholder="No limit"
                defaultValue={initial.limits[f.name] ?? ""}
                aria-invalid={invalid(f.name)}
                aria-describedby={describedBy(f.name, ids.limitsHint)}
                readOnly={pending}
              />
              {fieldError(f.name)}
            </div>
          ))}
          <div className="space-y-1.5">
            <Label htmlFor={ids.expiry}>Expires</Label>
            <Select
              id={ids.expiry}
              name="expires_in"
              value={expiry}
              onChange={(e) => setExpiry(e.currentTarget.value)}
              aria-invalid={expiry !== "custom" ? invalid("expires_at") : undefined}
              aria-describedby={expiry !== "custom" ? describedBy("expires_at") : undefined}
              disabled={pending}
            >
              {keep && <option value="keep">{`Unchanged: ${formatDate(initial.expires_at!)}`}</option>}
              <option value="never">Never</option>
              {EXPIRY_DAYS.map((d) => (
                <option key={d} value={d}>
                  In {d} days
                </option>
              ))}
              <option value="custom">On a date…</option>
            </Select>
            {expiry !== "custom" && fieldError("expires_at")}
          </div>
        </div>
        <FieldHint id={ids.limitsHint}>Leave a limit empty for no limit. The budget is spend at list prices per UTC calendar month.</FieldHint>
        {expiry === "custom" && (
          <div className="space-y-1.5">
            <Label htmlFor={ids.date}>Expiry date</Label>
            <Input
              id={ids.date}
              name="expires_on"
              type="date"
              min={tomorrowUtc()}
              required
              aria-required="true"
              className="sm:max-w-[12rem]"
              aria-invalid={invalid("expires_at")}
              aria-describedby={describedBy("expires_at", ids.dateHint)}
              readOnly={pending}
            />
            <FieldHint id={ids.dateHint}>The key stops working at 00:00 UTC on that day.</FieldHint>
            {fieldError("expires_at")}
          </div>
        )}
      </div>

      <fieldset className="space-y-2" aria-describedby={describedBy("allowed_providers", ids.providersHint)} disabled={pending}>
        <legend className="text-sm font-medium text-zinc-900">Allowed providers</legend>
        <FieldHint id={ids.providersHint}>None checked: every provider.</FieldHint>
        <div className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3">
          {providers.map((p) => (
            <label key={p.id} className="flex min-w-0 items-center gap-2 text-sm text-zinc-800">
              <Checkbox
                name="allowed_providers"
                value={p.id}
                defaultChecked={initial.allowed_providers?.includes(p.id) ?? false}
                aria-invalid={invalid("allowed_providers")}
              />
              <span className="truncate">{p.name}</span>
            </label>
          ))}
        </div>
        {fieldError("allowed_providers")}
      </fieldset>

      <div className="space-y-1.5">
        <Label htmlFor={ids.models}>Allowed models</Label>
        <Textarea
          id={ids.models}
          name="allowed_models"
          rows={2}
          autoComplete="off"
          spellCheck={false}
          placeholder="All models"
          defaultValue={initial.allowed_models?.join(", ") ?? ""}
          className="font-mono text-[13px]"
          aria-invalid={invalid("allowed_models")}
          aria-describedby={describedBy("allowed_models", ids.modelsHint)}
          readOnly={pending}
        />
        <FieldHint id={ids.modelsHint}>
          Separated by commas: exact names or prefixes like <code className="font-mono text-[13px] text-zinc-700">gpt-5*</code>.
          Empty: every model.
        </FieldHint>
        {fieldError("allowed_models")}
      </div>

      <fieldset className="space-y-2" disabled={pending} aria-describedby={describedBy("permissions")}>
        <legend className="text-sm font-medium text-zinc-900">Permissions</legend>
        <div className="space-y-2">
          {PERMISSIONS.map((p) => (
            <label key={p} className="flex items-start gap-2 text-sm text-zinc-800">
              <Checkbox
                name="permissions"
                value={p}
                className="mt-0.5"
                defaultChecked={initial.permissions.includes(p)}
                aria-invalid={invalid("permissions")}
              />
              <span>
                {PERMISSION_LABELS[p]} <code className="font-mono text-[12px] text-zinc-500">{p}</code>
              </span>
            </label>
          ))}
        </div>
        {fieldError("permissions")}
      </fieldset>
    </div>
  );
}
