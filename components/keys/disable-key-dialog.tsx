"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/input";
import type { KeyTarget } from "@/lib/keys/list-item";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import { disableKeyRequest, enableKeyRequest, errorMessage } from "./keys-api";
import type { KeyChange } from "./use-key-change";

const Prefix = ({ keyView }: { keyView: KeyTarget }) => <code className="font-mono text-[13px] text-zinc-900">{keyView.prefix}…</code>;

/** Disable: revoke's reversible twin, so the dialog says both what stops and that it can come back. */
export function DisableKeyDialog(props: KeyDialogProps) {
  const { keyView } = props;
  return (
    <KeyChangeDialog
      {...props}
      role="alertdialog"
      title={keyView ? `Disable “${keyView.name}”?` : "Disable key?"}
      description={
        keyView && (
          <p>
            Calls with <Prefix keyView={keyView} /> get 401 “This NeuronEdge API key is disabled” within seconds, on every gateway instance.
          </p>
        )
      }
    >
      {(keyView, change) => (
        <ToggleActions
          keyView={keyView}
          change={change}
          onClose={props.onClose}
          disable
          note="Unlike revoking, this can be undone: enable the key again and the same key works, with its policy and usage as they were."
        />
      )}
    </KeyChangeDialog>
  );
}

export function EnableKeyDialog(props: KeyDialogProps) {
  const { keyView } = props;
  return (
    <KeyChangeDialog
      {...props}
      title={keyView ? `Enable “${keyView.name}”?` : "Enable key?"}
      description={
        keyView && (
          <p>
            Calls with <Prefix keyView={keyView} /> are accepted again within seconds, under the key&apos;s policy and limits.
          </p>
        )
      }
    >
      {(keyView, change) => <ToggleActions keyView={keyView} change={change} onClose={props.onClose} disable={false} />}
    </KeyChangeDialog>
  );
}

function ToggleActions({
  keyView,
  change,
  onClose,
  disable,
  note,
}: {
  keyView: KeyTarget;
  change: KeyChange;
  onClose: () => void;
  disable: boolean;
  note?: string;
}) {
  const { pending } = change;
  const [error, setError] = useState<string | null>(null);

  function send() {
    if (pending) return;
    setError(null);
    change.run(
      () => (disable ? disableKeyRequest(keyView.id) : enableKeyRequest(keyView.id)),
      (err) => setError(errorMessage(err)),
    );
  }

  return (
    <>
      {note && <p className="text-sm text-zinc-600">{note}</p>}
      <FieldError>{error}</FieldError>
      <DialogFooter>
        {/* Cancel first, so it rather than the change gets the initial focus. */}
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        {/* aria-disabled, not disabled: a disabled button would drop keyboard focus mid-request. */}
        <Button variant={disable ? "destructive" : "primary"} onClick={send} aria-disabled={pending || undefined}>
          {disable ? (pending ? "Disabling…" : "Disable key") : pending ? "Enabling…" : "Enable key"}
        </Button>
      </DialogFooter>
    </>
  );
}
