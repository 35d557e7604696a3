"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/input";
import type { KeyTarget } from "@/lib/keys/list-item";
import { errorMessage, revokeKeyRequest } from "./keys-api";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import type { KeyChange } from "./use-key-change";

export function RevokeKeyDialog(props: KeyDialogProps) {
  const { keyView } = props;
  return (
    <KeyChangeDialog
      {...props}
      role="alertdialog"
      title={keyView ? `Revoke “${keyView.name}”?` : "Revoke key?"}
      description={
        keyView && (
          <p>
            Applications using <code className="font-mono text-[13px] text-zinc-900">{keyView.prefix}…</code> will stop working immediately.
            Other keys are not affected.
          </p>
        )
      }
    >
      {(keyView, change) => <RevokeActions keyView={keyView} change={change} onClose={props.onClose} />}
    </KeyChangeDialog>
  );
}

function RevokeActions({ keyView, change, onClose }: { keyView: KeyTarget; change: KeyChange; onClose: () => void }) {
  const { pending } = change;
  const [error, setError] = useState<string | null>(null);

  function revoke() {
    if (pending) return;
    setError(null);
    change.run(
      () => revokeKeyRequest(keyView.id),
      (err) => setError(errorMessage(err)),
    );
  }

  return (
    <>
      <p className="text-sm text-zinc-600">This cannot be undone. Requests with this key are refused from now on.</p>
      <FieldError>{error}</FieldError>
      <DialogFooter>
        {/* Cancel comes first so it, not the destructive action, gets the initial focus. */}
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        {/* aria-disabled, not disabled: a disabled button would drop keyboard focus mid-request. */}
        <Button variant="destructive" onClick={revoke} aria-disabled={pending || undefined}>
          {pending ? "Revoking…" : "Revoke key"}
        </Button>
      </DialogFooter>
    </>
  );
}
