"use client";

import { useLayoutEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/input";
import type { KeyView } from "@/lib/keys/service";
import { ApiRequestError, errorMessage, updateKeyRequest } from "./keys-api";
import { PolicyFields } from "./policy-fields";
import { policyFieldControl, policyFieldOf, readPolicy, type PolicyField } from "./policy-form";
import type { ProviderOption } from "./policy-format";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import type { KeyChange } from "./use-key-change";

export function EditPolicyDialog({ providers, ...props }: KeyDialogProps & { providers: readonly ProviderOption[] }) {
  const { keyView } = props;
  return (
    <KeyChangeDialog
      {...props}
      title="Edit policy"
      description={
        keyView && (
          <p>
            Changes to <code className="font-mono text-[13px] text-zinc-900">{keyView.prefix}…</code> apply to its next request. The key
            itself does not change.
          </p>
        )
      }
    >
      {(keyView, change) => <EditPolicyForm keyView={keyView} providers={providers} change={change} onClose={props.onClose} />}
    </KeyChangeDialog>
  );
}

function EditPolicyForm({
  keyView,
  providers,
  change,
  onClose,
}: {
  keyView: KeyView;
  providers: readonly ProviderOption[];
  change: KeyChange;
  onClose: () => void;
}) {
  const { pending } = change;
  const formRef = useRef<HTMLFormElement>(null);
  const [error, setError] = useState<{ message: string; field: PolicyField | null } | null>(null);

  useLayoutEffect(() => {
    if (error?.field && formRef.current) policyFieldControl(formRef.current, error.field)?.focus();
  }, [error]);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    const changes = readPolicy(new FormData(e.currentTarget));
    setError(null);
    change.run(
      () => updateKeyRequest(keyView.id, changes),
      (err) => setError({ message: errorMessage(err), field: policyFieldOf(err instanceof ApiRequestError ? err.param : undefined) }),
    );
  }

  return (
    <form ref={formRef} noValidate onSubmit={submit} className="space-y-4">
      <PolicyFields
        providers={providers}
        initial={keyView}
        error={error?.field ? { field: error.field, message: error.message } : null}
        pending={pending}
        mode="edit"
      />
      {/* An error that names no field (a conflict, a network failure) sits above the buttons. */}
      {error && !error.field && <FieldError>{error.message}</FieldError>}
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" aria-disabled={pending || undefined}>
          {pending ? "Saving…" : "Save policy"}
        </Button>
      </DialogFooter>
    </form>
  );
}
