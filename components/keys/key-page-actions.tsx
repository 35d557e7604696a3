"use client";

import { Button } from "@/components/ui/button";
import type { KeyView } from "@/lib/keys/service";
import { useKeyDialogs } from "./key-dialogs";
import { KeyRowActions } from "./key-row-actions";

/** A key can be rolled once, while it works; a rolled key points to its successor instead. */
export function canRoll(key: KeyView): boolean {
  return key.status === "active" && key.replaced_by === null;
}

/** The key page's header actions: roll, rename, revoke. */
export function KeyPageActions({ keyView }: { keyView: KeyView }) {
  const { openRoll, readOnly } = useKeyDialogs();
  if (readOnly) return null;
  return (
    <div className="flex flex-wrap justify-end gap-1">
      {canRoll(keyView) && (
        <Button variant="ghost" size="sm" onClick={() => openRoll(keyView)}>
          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M13 8a5 5 0 1 1-1.5-3.55M13 2.5v2.5h-2.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Roll key
        </Button>
      )}
      <KeyRowActions keyView={keyView} />
    </div>
  );
}

export function EditPolicyButton({ keyView }: { keyView: KeyView }) {
  const { openEditPolicy, readOnly } = useKeyDialogs();
  if (readOnly) return null;
  return (
    <Button variant="secondary" size="sm" aria-label="Edit policy" onClick={() => openEditPolicy(keyView)}>
      Edit
    </Button>
  );
}
