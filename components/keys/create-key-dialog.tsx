"use client";

import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { describedBy, ErrorSummary, FieldMessage } from "@/components/ui/field";
import { FieldHint, Input, Label, Select } from "@/components/ui/input";
import { NAME_MAX_LENGTH } from "@/lib/keys/bounds";
import { createKeyRequest, type CreatedKey, type KeyEnvironment } from "./keys-api";
import { PolicyFields } from "./policy-fields";
import { FIELD_ORDER } from "./key-form-messages";
import { BLANK_POLICY, checkName, checkPolicy, countPolicy, type FieldErrors, type KeyFormField } from "./policy-form";
import type { ProviderOption } from "./policy-format";
import { useFormCheck } from "./use-form-check";

export function CreateKeyDialog({
  open,
  providers,
  onCancel,
  onCreated,
  returnFocus,
}: {
  open: boolean;
  providers: readonly ProviderOption[];
  onCancel: () => void;
  onCreated: (created: CreatedKey) => void;
  returnFocus: () => HTMLElement | null;
}) {
  const [pending, setPending] = useState(false);
  return (
    <Dialog
      open={open}
      onDismiss={onCancel}
      // Once the request is out, the key exists: the dialog must stay until it can be revealed.
      dismissible={!pending}
      title="Create API key"
      description="Your apps send this key to the gateway so their requests, usage and limits are tracked per key."
      returnFocus={returnFocus}
    >
      <CreateKeyForm providers={providers} pending={pending} setPending={setPending} onCancel={onCancel} onCreated={onCreated} />
    </Dialog>
  );
}

const POLICY_FIELDS: readonly KeyFormField[] = FIELD_ORDER.filter((f) => f !== "name" && f !== "environment");

/** Every field of the create form at fault, and the body to send when none is. */
function checkCreate(form: FormData) {
  const name = checkName(form.get("name"));
  const policy = checkPolicy(form);
  const errors: FieldErrors = { ...(name.error ? { name: name.error } : {}), ...policy.errors };
  const environment: KeyEnvironment = form.get("environment") === "test" ? "test" : "live";
  return { errors, body: { name: name.name, environment, ...policy.body } };
}

// Rendered only while the dialog is open, so every opening starts from a blank form.
function CreateKeyForm({
  providers,
  pending,
  setPending,
  onCancel,
  onCreated,
}: {
  providers: readonly ProviderOption[];
  pending: boolean;
  setPending: (pending: boolean) => void;
  onCancel: () => void;
  onCreated: (created: CreatedKey) => void;
}) {
  const check = useFormCheck((form) => checkCreate(form).errors);
  const { errors } = check;
  // Limits and restrictions are optional: closed by default, so the common case stays two fields.
  const [policyOpen, setPolicyOpen] = useState(false);
  // Shown on the closed section, so values set and then folded away are not forgotten.
  const [policySet, setPolicySet] = useState(0);
  const ids = { name: useId(), nameHint: useId(), nameError: useId(), env: useId(), envHint: useId(), envError: useId() };
  // A folded field at fault is shown, so its message can be read and the field focused.
  const reveal = (found: FieldErrors) => {
    if (POLICY_FIELDS.some((f) => found[f])) setPolicyOpen(true);
  };

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    const found = check.submit();
    reveal(found);
    if (Object.keys(found).length > 0) return;
    setPending(true);
    try {
      const created = await createKeyRequest(checkCreate(new FormData(e.currentTarget)).body);
      setPending(false);
      onCreated(created);
    } catch (err) {
      setPending(false);
      reveal(check.refused(err));
    }
  }

  return (
    // noValidate: the form's own checks explain every field at once, in its words.
    <form
      ref={check.formRef}
      noValidate
      onSubmit={submit}
      onChange={(e) => {
        setPolicySet(countPolicy(new FormData(e.currentTarget)));
        check.onChange(e);
      }}
      className="space-y-4"
    >
      <ErrorSummary>{check.summary}</ErrorSummary>
      <div className="space-y-1.5">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          id={ids.name}
          name="name"
          required
          aria-required="true"
          maxLength={NAME_MAX_LENGTH}
          autoComplete="off"
          placeholder="e.g. Production backend"
          data-autofocus
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={describedBy(ids.nameHint, !!errors.name && ids.nameError)}
          // readOnly rather than disabled: disabling would throw focus out of the field mid-request.
          readOnly={pending}
        />
        <FieldHint id={ids.nameHint}>What uses this key, so you can recognise it later. Up to {NAME_MAX_LENGTH} characters.</FieldHint>
        <FieldMessage id={ids.nameError}>{errors.name}</FieldMessage>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={ids.env}>Environment</Label>
        <Select
          id={ids.env}
          name="environment"
          defaultValue="live"
          aria-invalid={errors.environment ? true : undefined}
          aria-describedby={describedBy(ids.envHint, !!errors.environment && ids.envError)}
          disabled={pending}
        >
          <option value="live">Live</option>
          <option value="test">Test</option>
        </Select>
        <FieldHint id={ids.envHint}>Test keys (ne_test_…) keep development and CI traffic apart from production.</FieldHint>
        <FieldMessage id={ids.envError}>{errors.environment}</FieldMessage>
      </div>
      <details open={policyOpen} onToggle={(e) => setPolicyOpen(e.currentTarget.open)} className="group rounded-lg border border-zinc-200">
        <summary className="flex cursor-pointer list-none items-center justify-between gap-3 rounded-lg px-3 py-2.5 text-sm font-medium text-zinc-900 select-none hover:bg-zinc-50 focus-visible:outline-2 focus-visible:outline-zinc-900 [&::-webkit-details-marker]:hidden">
          Limits and restrictions
          <span className="flex items-center gap-2 font-normal text-zinc-500">
            {policySet === 0 ? "Optional" : `${policySet} set`}
            <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4 transition-transform group-open:rotate-180">
              <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
            </svg>
          </span>
        </summary>
        {/* Closed, the fields still belong to the form: FormData reads them either way. */}
        <div className="border-t border-zinc-200 px-3 py-4">
          <PolicyFields providers={providers} initial={BLANK_POLICY} errors={errors} pending={pending} mode="create" />
        </div>
      </details>
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel} disabled={pending}>
          Cancel
        </Button>
        {/* aria-disabled, not disabled: a disabled button would drop keyboard focus mid-request. */}
        <Button type="submit" aria-disabled={pending || undefined}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </DialogFooter>
    </form>
  );
}
