"use client";

import { useId, useState } from "react";
import { formatDate } from "@/components/ui/date-time";
import { Checkbox, FieldError, FieldHint, Input, Label, Select, Textarea } from "@/components/ui/input";
import { PERMISSIONS } from "@/lib/auth/permissions";
import { EXPIRY_DAYS, tomorrowUtc, type PolicyField, type PolicyInitial } from "./policy-form";
import { PERMISSION_LABELS, type ProviderOption } from "./policy-format";

// The policy part of a key form: limits, allow-lists, expiry, permissions. Shared by the
// create dialog (blank) and the key page's edit dialog (filled in). The server validates
// every value and its message, naming the field, is shown under that field. Reading the
// form into a request body is in ./policy-form.ts.

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
        <FieldHint id={ids.limitsHint}>
          Leave a limit empty for no limit. The budget is spend at list prices per UTC calendar month.
        </FieldHint>
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
          Separated by commas: exact names or prefixes like <code className="font-mono text-[13px] text-zinc-700">gpt-5*</code>. Empty:
          every model.
        </FieldHint>
        {fieldError("allowed_models")}
      </div>

      <fieldset className="space-y-2" disabled={pending} aria-describedby={describedBy("permissions")}>
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
