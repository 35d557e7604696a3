"use client";

import type { ReactNode } from "react";
import { Dialog, type DialogProps } from "@/components/ui/dialog";
import type { KeyTarget } from "@/lib/keys/list-item";
import { useKeyChange, type KeyChange } from "./use-key-change";

/** What every key dialog takes: the key it acts on (null: closed), and how it closes. */
export interface KeyDialogProps {
  keyView: KeyTarget | null;
  onClose: () => void;
  returnFocus: () => HTMLElement | null;
}

/**
 * The frame of a dialog that changes one key (rename, revoke, edit policy, roll): open while it
 * has a key, and not dismissible while its request is out.
 */
export function KeyChangeDialog({
  keyView,
  onClose,
  returnFocus,
  children,
  ...frame
}: KeyDialogProps &
  Pick<DialogProps, "title" | "description" | "role"> & {
    children: (keyView: KeyTarget, change: KeyChange) => ReactNode;
  }) {
  const change = useKeyChange(onClose);
  return (
    <Dialog {...frame} open={keyView !== null} onDismiss={onClose} dismissible={!change.pending} returnFocus={returnFocus}>
      {keyView && children(keyView, change)}
    </Dialog>
  );
}
