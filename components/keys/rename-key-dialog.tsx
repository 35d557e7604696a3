"use client";

import { useId, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { FieldError, Input, Label } from "@/components/ui/input";
import type { KeyView } from "@/lib/keys/service";
import { errorMessage, renameKeyRequest } from "./keys-api";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import type { KeyChange } from "./use-key-change";

export function RenameKeyDialog(props: KeyDialogProps) {
  return (
    <KeyChangeDialog {...props} title="Rename API key" description="The key itself does not change, so applications using it keep working.">
      {(keyView, change) => <RenameForm keyView={keyView} change={change} onClose={props.onClose} />}
    </KeyChangeDialog>
  );
}

function RenameForm({ keyView, change, onClose }: { keyView: KeyView; change: KeyChange; onClose: () => void }) {
  const { pending } = change;
  const [error, setError] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const ids = { name: useId(), error: useId() };

  function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (pending) return;
    const name = String(new FormData(e.currentTarget).get("name") ?? "");
    setError(null);
    change.run(
      () => renameKeyRequest(keyView.id, name),
      (err) => {
        setError(errorMessage(err));
        inputRef.current?.focus();
      },
    );
  }

  return (
    <form noValidate onSubmit={submit} className="space-y-4">
      <div className="space-y-1.5">
        <Label htmlFor={ids.name}>Name</Label>
        <Input
          ref={inputRef}
          id={ids.name}
          name="name"
          defaultValue={keyView.name}
          required
          aria-required="true"
          maxLength={100}
          autoComplete="off"
          data-autofocus
          onFocus={(e) => e.currentTarget.select()}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? ids.error : undefined}
          readOnly={pending}
        />
        <FieldError id={ids.error}>{error}</FieldError>
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
