"use client";

import { useId, useState } from "react";
import { formatDate } from "@/components/ui/date-time";
import { describedBy, FieldMessage, FieldNote } from "@/components/ui/field";
import { Checkbox, FieldHint, Input, Label, Select, Textarea } from "@/components/ui/input";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { checkPolicy, EXPIRY_DAYS, tomorrowUtc, type FieldErrors, type PolicyField, type PolicyInitial } from "./policy-form";
import { PERMISSION_LABELS, type ProviderOption } from "./policy-format";

// The policy part of a key form: limits, allow-lists, expiry, permissions. Shared by the
// create dialog (blank) and the key page's edit dialog (filled in). The form checks every value
// before sending (./policy-form.ts) and shows each field's error under it.

// The three limits share one input shape: empty means no limit.
const LIMIT_FIELDS = [
  { name: "requests_per_minute", label: "Requests per minute", inputMode: "numeric" },
  { name: "tokens_per_minute", label: "Tokens per minute", inputMode: "numeric" },
  { name: "monthly_budget_usd", label: "Monthly budget (USD)", inputMode: "decimal" },
] as const;

type LimitName = (typeof LIMIT_FIELDS)[number]["name"];

export function PolicyFields({
  providers,
  initial,
  errors,
  pending,
  mode,
}: {
  providers: readonly ProviderOption[];
  initial: PolicyInitial;
  errors: FieldErrors;
  pending: boolean;
  mode: "create" | "edit";
}) {
  const base = useId();
  const id = (part: string) => `${base}-${part}`;
  const errorId = (field: PolicyField) => id(`${field}-error`);
  const keep = mode === "edit" && initial.expires_at !== null;
  const [expiry, setExpiry] = useState<string>(keep ? "keep" : "never");
  // What an unusually typed limit was read as, updated as the person types.
  const [understood, setUnderstood] = useState<Partial<Record<LimitName, string>>>({});
  const invalid = (field: PolicyField) => (errors[field] ? true : undefined);
  const describe = (field: PolicyField, ...others: (string | false)[]) => describedBy(...others, !!errors[field] && errorId(field));
  const fieldError = (field: PolicyField) => <FieldMessage id={errorId(field)}>{errors[field]}</FieldMessage>;

  return (
    <div className="space-y-5">
      <div className="space-y-2">
        <div className="grid gap-4 sm:grid-cols-2">
          {LIMIT_FIELDS.map((f) => {
            // A note only while the value is usable: an error says more.
            const note = !errors[f.name] && understood[f.name];
            return (
              <div key={f.name} className="space-y-1.5">
                <Label htmlFor={id(f.name)}>{f.label}</Label>
                <Input
                  id={id(f.name)}
                  name={f.name}
                  inputMode={f.inputMode}
                  autoComplete="off"
                  placeholder="No limit"
                  defaultValue={initial.limits[f.name] ?? ""}
                  aria-invalid={invalid(f.name)}
                  aria-describedby={describe(f.name, id("limits-hint"), !!note && id(`${f.name}-note`))}
                  readOnly={pending}
                  onChange={(e) => {
                    const form = e.currentTarget.form;
                    if (form) setUnderstood(checkPolicy(new FormData(form)).understood);
                  }}
                />
                <FieldNote id={id(`${f.name}-note`)}>{note}</FieldNote>
                {fieldError(f.name)}
              </div>
            );
          })}
          <div className="space-y-1.5">
            <Label htmlFor={id("expiry")}>Expires</Label>
            <Select
              id={id("expiry")}
              name="expires_in"
              value={expiry}
              onChange={(e) => setExpiry(e.currentTarget.value)}
              aria-invalid={expiry !== "custom" ? invalid("expires_at") : undefined}
              aria-describedby={expiry !== "custom" ? describe("expires_at") : undefined}
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
        <FieldHint id={id("limits-hint")}>
          Leave a limit empty for no limit. The budget is spend at list prices per UTC calendar month.
        </FieldHint>
        {expiry === "custom" && (
          <div className="space-y-1.5">
            <Label htmlFor={id("date")}>Expiry date</Label>
            <Input
              id={id("date")}
              name="expires_on"
              type="date"
              min={tomorrowUtc()}
              required
              aria-required="true"
              className="sm:max-w-[12rem]"
              aria-invalid={invalid("expires_at")}
              aria-describedby={describe("expires_at", id("date-hint"))}
              readOnly={pending}
            />
            <FieldHint id={id("date-hint")}>The key stops working at 00:00 UTC on that day.</FieldHint>
            {fieldError("expires_at")}
          </div>
        )}
      </div>

      <fieldset className="space-y-2" aria-describedby={describe("allowed_providers", id("providers-hint"))} disabled={pending}>
        <legend className="text-sm font-medium text-zinc-900">Allowed providers</legend>
        <FieldHint id={id("providers-hint")}>None checked: every provider.</FieldHint>
        <div className="grid grid-cols-2 gap-x-4 gap-y-2 sm:grid-cols-3">
          {providers.map((p) => (
            // biome-ignore lint/a11y/noLabelWithoutControl: it wraps a Checkbox, an <input>
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
        <Label htmlFor={id("models")}>Allowed models</Label>
        <Textarea
          id={id("models")}
          name="allowed_models"
          rows={2}
          autoComplete="off"
          spellCheck={false}
          placeholder="All models"
          defaultValue={initial.allowed_models?.join(", ") ?? ""}
          className="font-mono text-[13px]"
          aria-invalid={invalid("allowed_models")}
          aria-describedby={describe("allowed_models", id("models-hint"))}
          readOnly={pending}
        />
        <FieldHint id={id("models-hint")}>
          Separated by commas: exact names or prefixes like <code className="font-mono text-[13px] text-zinc-700">gpt-5*</code>. Empty:
          every model.
        </FieldHint>
        {fieldError("allowed_models")}
      </div>

      <fieldset className="space-y-2" disabled={pending} aria-describedby={describe("permissions")}>
        <legend className="text-sm font-medium text-zinc-900">Permissions</legend>
        <div className="space-y-2">
          {PERMISSIONS.map((p) => (
            // biome-ignore lint/a11y/noLabelWithoutControl: it wraps a Checkbox, an <input>
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
