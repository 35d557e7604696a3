"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { FieldError, FieldHint, Input, Label, Select } from "@/components/ui/input";
import { ApiRequestError, createKeyRequest, errorMessage, type CreatedKey, type KeyEnvironment } from "./keys-api";

const NAME_MAX = 100;

export function CreateKeyDialog({
  open,
  onCancel,
  onCreated,
  returnFocus,
}: {
  open: boolean;
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
      <CreateKeyForm pending={pending} setPending={setPending} onCancel={onCancel} onCreated={onCreated} />
    </Dialog>
  );
}

// Rendered only while the dialog is open, so every opening starts from a blank form.
function CreateKeyForm({
  pending,
  setPending,
  onCancel,
  onCreated,
}: {
  pending: boolean;
  setPending: (pending: boolean) => void;
  onCancel: () => void;
  onCreated: (created: CreatedKey) => void;
}) {
  const [error, setError] = useState<{ message: string; field: "name" | "environment" | null } | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const ids = { name: useId(), nameHint: useId(), nameError: useId(), env: useId(), envHint: useId() };

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    const form = new FormData(e.currentTarget);
    setError(null);
    setPending(true);
    try {
      // The server validates the name (required, at most 100 characters) and its message is shown as is.
      const created = await createKeyRequest({
        name: String(form.get("name") ?? ""),
        environment: form.get("environment") === "test" ? "test" : "live",
      });
      setPending(false);
      onCreated(created);
    } catch (err) {
      setPending(false);
      const param = err instanceof ApiRequestError ? err.param : undefined;
      const field = param === "name" || param === "environment" ? param : null;
      setError({ message: errorMessage(err), field });
      if (field !== "environment") nameRef.current?.focus();
    }
  }

  const nameInvalid = error !== null && error.field !== "environment";

  return (
    // noValidate: the server's own message explains a bad name, the same one API users get.
    <form noValidate onSubmit={submit} className="space-y-4">
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
