"use client";

import { Button } from "@/components/ui/button";
import type { KeyView } from "@/lib/keys/service";
import { useKeyDialogs } from "./key-dialogs";
import { keyActions, useKeyActionHandlers } from "./key-row-actions";

export { canRoll } from "./key-row-actions";

/** The key page's header actions: roll, rename, disable or enable, revoke; its policy card has Edit. */
export function KeyPageActions({ keyView }: { keyView: KeyView }) {
  const { readOnly } = useKeyDialogs();
  const open = useKeyActionHandlers();
  const actions = keyActions(keyView);
  if (readOnly || actions.length === 0) return null;
  const has = (a: (typeof actions)[number]) => actions.includes(a);
  return (
    <div className="flex flex-wrap justify-end gap-1">
      {has("roll") && (
        <Button variant="ghost" size="sm" onClick={() => open.roll(keyView)}>
          <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
            <path d="M13 8a5 5 0 1 1-1.5-3.55M13 2.5v2.5h-2.5" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
          Roll key
        </Button>
      )}
      {/* The names in aria-label say which key each button acts on. */}
      <Button variant="ghost" size="sm" aria-label={`Rename “${keyView.name}”`} onClick={() => open.rename(keyView)}>
        Rename
      </Button>
      {has("disable") && (
        <Button variant="ghost" size="sm" aria-label={`Disable “${keyView.name}”`} onClick={() => open.disable(keyView)}>
          Disable
        </Button>
      )}
      {has("enable") && (
        <Button variant="ghost" size="sm" aria-label={`Enable “${keyView.name}”`} onClick={() => open.enable(keyView)}>
          Enable
        </Button>
      )}
      <Button variant="ghost-danger" size="sm" aria-label={`Revoke “${keyView.name}”`} onClick={() => open.revoke(keyView)}>
        Revoke
      </Button>
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
