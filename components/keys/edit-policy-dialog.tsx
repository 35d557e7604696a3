"use client";

import type { FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { ErrorSummary } from "@/components/ui/field";
import type { KeyTarget } from "@/lib/keys/list-item";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import { updateKeyRequest } from "./keys-api";
import { PolicyFields } from "./policy-fields";
import { checkPolicy } from "./policy-form";
import type { ProviderOption } from "./policy-format";
import { useFormCheck } from "./use-form-check";
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
  keyView: KeyTarget;
  providers: readonly ProviderOption[];
  change: KeyChange;
  onClose: () => void;
}) {
  const { pending } = change;
  const check = useFormCheck((form) => checkPolicy(form).errors);

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    if (Object.keys(check.submit()).length > 0) return;
    const changes = checkPolicy(new FormData(e.currentTarget)).body;
    change.run(() => updateKeyRequest(keyView.id, changes), check.refused);
  }

  return (
    // noValidate: the form's own checks explain every field at once, in its words.
    <form ref={check.formRef} noValidate onSubmit={submit} onChange={check.onChange} className="space-y-4">
      <ErrorSummary>{check.summary}</ErrorSummary>
      <PolicyFields providers={providers} initial={keyView} errors={check.errors} pending={pending} mode="edit" />
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
