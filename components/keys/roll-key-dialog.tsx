"use client";

import { useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { DialogFooter } from "@/components/ui/dialog";
import { formatDate } from "@/components/ui/date-time";
import { FieldError } from "@/components/ui/input";
import type { KeyTarget } from "@/lib/keys/list-item";
import { errorMessage, rollKeyRequest, type RolledKey } from "./keys-api";
import { formatRelative } from "./policy-format";
import { KeyChangeDialog, type KeyDialogProps } from "./key-change-dialog";
import type { KeyChange } from "./use-key-change";

// The grace periods the dashboard offers; the API takes any number of seconds up to 7 days.
export const GRACE_CHOICES = [
  { seconds: 0, label: "Now" },
  { seconds: 3600, label: "1 hour" },
  { seconds: 24 * 3600, label: "24 hours" },
  { seconds: 7 * 24 * 3600, label: "7 days" },
] as const;

const DEFAULT_GRACE = 24 * 3600;

export function RollKeyDialog({ onRolled, ...props }: KeyDialogProps & { onRolled: (rolled: RolledKey) => void }) {
  const { keyView } = props;
  // Not dismissible while the request is out: once it is, the new key exists and must be revealed.
  return (
    <KeyChangeDialog
      {...props}
      title={keyView ? `Roll “${keyView.name}”?` : "Roll key?"}
      description={
        <p>
          A new key replaces this one, with the same name, limits, allowed providers and models, expiry and permissions. Switch your apps to
          it while the old key still works.
        </p>
      }
    >
      {(keyView, change) => <RollForm keyView={keyView} change={change} onClose={props.onClose} onRolled={onRolled} />}
    </KeyChangeDialog>
  );
}

function RollForm({
  keyView,
  change,
  onClose,
  onRolled,
}: {
  keyView: KeyTarget;
  change: KeyChange;
  onClose: () => void;
  onRolled: (rolled: RolledKey) => void;
}) {
  const { pending } = change;
  const [grace, setGrace] = useState<number>(DEFAULT_GRACE);
  const [error, setError] = useState<string | null>(null);
  const legendId = useId();
  const explanationId = useId();

  function roll() {
    if (pending) return;
    setError(null);
    // Rolled: the parent swaps this dialog for the one that reveals the new key.
    change.run(
      () => rollKeyRequest(keyView.id, grace),
      (err) => setError(errorMessage(err)),
      onRolled,
    );
  }

  // The old key stops at the end of the grace period, or at its own expiry if that comes first.
  const now = Date.now();
  const graceEnd = now + grace * 1000;
  const ownExpiry = keyView.expires_at ? Date.parse(keyView.expires_at) : Infinity;
  const end = new Date(Math.min(graceEnd, ownExpiry)).toISOString();
  const old = <code className="font-mono text-[13px] text-zinc-900">{keyView.prefix}…</code>;

  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        roll();
      }}
      className="space-y-4"
    >
      <fieldset aria-labelledby={legendId} aria-describedby={explanationId}>
        <legend id={legendId} className="text-sm font-medium text-zinc-900">
          Old key keeps working for
        </legend>
        <div className="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-4">
          {GRACE_CHOICES.map((c) => (
            <label
              key={c.seconds}
              className={cn(
                "flex h-10 cursor-pointer items-center gap-1.5 rounded-md border px-2.5 text-sm font-medium whitespace-nowrap transition-colors",
                "has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-zinc-900",
                grace === c.seconds ? "border-zinc-900 bg-zinc-50 text-zinc-900" : "border-zinc-300 text-zinc-700 hover:bg-zinc-50",
              )}
            >
              <input
                type="radio"
                name="grace_seconds"
                value={c.seconds}
                checked={grace === c.seconds}
                onChange={() => setGrace(c.seconds)}
                // The first radio of the group takes focus when the dialog opens; arrows move the choice.
                data-autofocus={grace === c.seconds ? "" : undefined}
                className="size-4 accent-zinc-900 focus-visible:outline-none"
              />
              {c.label}
            </label>
          ))}
        </div>
      </fieldset>
      <p id={explanationId} aria-live="polite" className="rounded-lg border border-zinc-200 bg-zinc-50 px-4 py-3 text-sm text-zinc-700">
        {grace === 0 ? (
          <>Requests with {old} are refused as soon as the new key exists. Apps still using it stop working.</>
        ) : (
          <>
            Both keys work until <time dateTime={end}>{formatDate(end, { withTime: true })}</time> ({formatRelative(end, now)}
            ). Then requests with {old} are refused. The keys table shows it as expiring until then.
          </>
        )}
      </p>
      <FieldError>{error}</FieldError>
      <DialogFooter>
        <Button variant="secondary" onClick={onClose} disabled={pending}>
          Cancel
        </Button>
        <Button type="submit" aria-disabled={pending || undefined}>
          {pending ? "Rolling…" : "Roll key"}
        </Button>
      </DialogFooter>
    </form>
  );
}
