"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { FieldError } from "@/components/ui/input";
import type { KeyView } from "@/lib/keys/service";
import { errorMessage, revokeKeyRequest } from "./keys-api";

export function RevokeKeyDialog({
  keyView,
  onClose,
  returnFocus,
}: {
  keyView: KeyView | null;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  const [pending, startTransition] = useTransition();
  return (
    <Dialog
      open={keyView !== null}
      onDismiss={onClose}
      dismissible={!pending}
      role="alertdialog"
      title={keyView ? `Revoke “${keyView.name}”?` : "Revoke key?"}
      description={
        keyView && (
          <p>
            Applications using <code className="font-mono text-[13px] text-zinc-900">{keyView.prefix}…</code> will stop
            working immediately. Other keys are not affected.
          </p>
        )
      }
      returnFocus={returnFocus}
    >
      {keyView && <RevokeActions keyView={keyView} pending={pending} startTransition={startTransition} onClose={onClose} />}
    </Dialog>
  );
}

function RevokeActions({
  keyView,
  pending,
  startTransition,
  onClose,
}: {
  keyView: KeyView;
  pending: boolean;
  startTransition: ReturnType<typeof useTransition>[1];
  onClose: () => void;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);

  function revoke() {
    if (pending) return;
    setError(null);
    startTransition(async () => {
      try {
        await revokeKeyRequest(keyView.id);
      } catch (err) {
        setError(errorMessage(err));
        return;
      }
      // Close together with the refreshed table, so the row is gone when the dialog goes.
      startTransition(() => {
        router.refresh();
        onClose();
      });
    });
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
