"use client";

import { useId, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { ErrorSummary, FieldMessage } from "@/components/ui/field";
import { Input, Label } from "@/components/ui/input";
import { NAME_MAX_LENGTH } from "@/lib/keys/bounds";
import type { KeyTarget } from "@/lib/keys/list-item";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import { renameKeyRequest } from "./keys-api";
import { checkName } from "./policy-form";
import { useFormCheck } from "./use-form-check";
import type { KeyChange } from "./use-key-change";

export function RenameKeyDialog(props: KeyDialogProps) {
  return (
    <KeyChangeDialog {...props} title="Rename API key" description="The key itself does not change, so applications using it keep working.">
      {(keyView, change) => <RenameForm keyView={keyView} change={change} onClose={props.onClose} />}
    </KeyChangeDialog>
  );
}

function RenameForm({ keyView, change, onClose }: { keyView: KeyTarget; change: KeyChange; onClose: () => void }) {
  const { pending } = change;
  const check = useFormCheck((form) => {
    const { error } = checkName(form.get("name"));
    return error ? { name: error } : {};
  });
  const ids = { name: useId(), error: useId() };
  const error = check.errors.name;

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    if (Object.keys(check.submit()).length > 0) return;
    const { name } = checkName(new FormData(e.currentTarget).get("name"));
    change.run(() => renameKeyRequest(keyView.id, name), check.refused);
  }

  return (
    // noValidate: the form's own check explains the name, in its words.
    <form ref={check.formRef} noValidate onSubmit={submit} onChange={check.onChange} className="space-y-4">
      <ErrorSummary>{check.summary}</ErrorSummary>
      <div className="space-y-1.5">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          id={ids.name}
          name="name"
          defaultValue={keyView.name}
          required
          aria-required="true"
          maxLength={NAME_MAX_LENGTH}
          autoComplete="off"
          data-autofocus
          onFocus={(e) => e.currentTarget.select()}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          readOnly={pending}
        />
        <FieldMessage id={ids.error}>{error}</FieldMessage>
      </div>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" aria-disabled={pending || undefined}>
          {pending ? "Saving…" : "Save"}
        </Button>
      </DialogFooter>
    </form>
  );
}
