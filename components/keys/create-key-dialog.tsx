"use client";

import { useId, useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { FieldError, FieldHint, Input, Label, Select } from "@/components/ui/input";
import { ApiRequestError, createKeyRequest, errorMessage, type CreatedKey } from "./keys-api";
import { PolicyFields } from "./policy-fields";
import { BLANK_POLICY, countPolicy, policyFieldControl, policyFieldOf, readPolicy, type PolicyField } from "./policy-form";
import type { ProviderOption } from "./policy-format";

const NAME_MAX = 100;

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

type ErrorField = "name" | "environment" | PolicyField;

function isPolicyField(field: ErrorField | null): field is PolicyField {
  return field !== null && field !== "name" && field !== "environment";
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
  const [error, setError] = useState<{ message: string; field: ErrorField | null } | null>(null);
  // Limits and restrictions are optional: closed by default, so the common case stays two fields.
  const [policyOpen, setPolicyOpen] = useState(false);
  // Shown on the closed section, so values set and then folded away are not forgotten.
  const [policySet, setPolicySet] = useState(0);
  const formRef = useRef<HTMLFormElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const ids = { name: useId(), nameHint: useId(), nameError: useId(), env: useId(), envHint: useId() };

  // Focus the field the server named, once it is rendered (a policy field may have just been disclosed).
  useLayoutEffect(() => {
    if (!error) return;
    if (isPolicyField(error.field)) {
      if (formRef.current) policyFieldControl(formRef.current, error.field)?.focus();
    } else if (error.field !== "environment") {
      nameRef.current?.focus();
    }
  }, [error]);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    const form = new FormData(e.currentTarget);
    setError(null);
    setPending(true);
    try {
      // The server validates every field and its message is shown as is.
      const created = await createKeyRequest({
        name: String(form.get("name") ?? ""),
        environment: form.get("environment") === "test" ? "test" : "live",
        ...readPolicy(form),
      });
      setPending(false);
      onCreated(created);
    } catch (err) {
      setPending(false);
      const param = err instanceof ApiRequestError ? err.param : undefined;
      const field: ErrorField | null = param === "name" || param === "environment" ? param : policyFieldOf(param);
      if (isPolicyField(field)) setPolicyOpen(true);
      setError({ message: errorMessage(err), field });
    }
  }

  // Errors that name no field (a network failure) are shown under the name, as before.
  const nameInvalid = error !== null && (error.field === null || error.field === "name");
  const policyError = error && isPolicyField(error.field) ? { field: error.field, message: error.message } : null;

  return (
    // noValidate: the server's own message explains a bad value, the same one API users get.
    <form
      ref={formRef}
      noValidate
      onSubmit={submit}
      onChange={(e) => setPolicySet(countPolicy(new FormData(e.currentTarget)))}
      className="space-y-4"
    >
      <div className="space-y-1.5">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          ref={nameRef}
          id={ids.name}
          name="name"
          required
          aria-required="true"
          maxLength={NAME_MAX}
          autoComplete="off"
          placeholder="e.g. Production backend"
          data-autofocus
          aria-invalid={nameInvalid || undefined}
          aria-describedby={nameInvalid ? `${ids.nameHint} ${ids.nameError}` : ids.nameHint}
          // readOnly rather than disabled: disabling would throw focus out of the field mid-request.
          readOnly={pending}
        />
        <FieldHint id={ids.nameHint}>What uses this key, so you can recognise it later. Up to {NAME_MAX} characters.</FieldHint>
        {nameInvalid && <FieldError id={ids.nameError}>{error.message}</FieldError>}
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={ids.env}>Environment</Label>
        <Select id={ids.env} name="environment" defaultValue="live" aria-describedby={ids.envHint} disabled={pending}>
          <option value="live">Live</option>
          <option value="test">Test</option>
        </Select>
        <FieldHint id={ids.envHint}>Test keys (ne_test_…) keep development and CI traffic apart from production.</FieldHint>
        {error?.field === "environment" && <FieldError>{error.message}</FieldError>}
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
          <PolicyFields providers={providers} initial={BLANK_POLICY} error={policyError} pending={pending} mode="create" />
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
