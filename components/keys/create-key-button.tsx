"use client";

import { Button, type ButtonVariant } from "@/components/ui/button";
import { useKeyDialogs } from "./key-dialogs";

export function CreateKeyButton({ variant = "primary", label = "Create key" }: { variant?: ButtonVariant; label?: string }) {
  const { openCreate, readOnly } = useKeyDialogs();
  // A member who may only look is told why, beside the button they cannot use.
  if (readOnly)
    return (
      <div className="flex max-w-xs flex-col items-end gap-1 text-right">
        <Button variant={variant} disabled aria-describedby="keys-read-only">
          {label}
        </Button>
        <p id="keys-read-only" className="text-xs text-zinc-600" data-read-only-note="">
          {readOnly}
        </p>
      </div>
    );
  return (
    // data-create-key: where focus lands after a dialog whose opener has disappeared.
    <Button variant={variant} onClick={openCreate} data-create-key="">
      <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.75">
        <path d="M8 3v10M3 8h10" strokeLinecap="round" />
      </svg>
      {label}
    </Button>
  );
}
