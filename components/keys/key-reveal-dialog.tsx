"use client";

import Link from "next/link";
import { useEffect, useId, useRef, useState } from "react";
import { Button, buttonClasses } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { Dialog, DialogFooter } from "@/components/ui/dialog";
import { Label } from "@/components/ui/input";
import { EnvironmentBadge } from "./key-badges";
import type { CreatedKey, RolledKey } from "./keys-api";
import { formatRelative } from "./policy-format";

/**
 * Shows a new key once. Escape and backdrop clicks do nothing: losing this dialog by
 * accident would mean revoking the key and making another. Only the button closes it.
 */
export function KeyRevealDialog({
  created,
  onDone,
  returnFocus,
}: {
  /** A new key, or a rolled one (which also says which key it replaces and until when). */
  created: CreatedKey | RolledKey | null;
  onDone: () => void;
  returnFocus: () => HTMLElement | null;
}) {
  // Afterwards focus goes to the new key's link (its row, or a rolled key's "Rolled to" link), so
  // people land on what they just made; the caller's fallback covers pages without one.
  // A ref: by the time the dialog closes, `created` is already null.
  const shown = useRef<string | null>(null);
  if (created) shown.current = created.id;
  const focusNewKey = () => (shown.current ? visibleKeyLink(shown.current) : null);
  // Closed before the page behind had refreshed: focus moves to the link once it shows (a few
  // seconds at most), unless the person has moved it meanwhile.
  useEffect(() => {
    const id = shown.current;
    if (created || !id) return;
    const landed = document.activeElement;
    const deadline = performance.now() + 3_000;
    let frame = 0;
    const tick = () => {
      const link = visibleKeyLink(id);
      if (link) {
        if (link !== document.activeElement && (document.activeElement === landed || document.activeElement === document.body))
          link.focus();
      } else if (performance.now() < deadline) frame = requestAnimationFrame(tick);
    };
    tick();
    return () => cancelAnimationFrame(frame);
  }, [created]);
  return (
    <Dialog open={created !== null} dismissible={false} title="Save your API key" returnFocus={returnFocus} focusOnClose={focusNewKey}>
      {created && <RevealContent created={created} onDone={onDone} />}
    </Dialog>
  );
}

/** The list renders a table and phone cards, one of them hidden: the visible link. */
function visibleKeyLink(id: string): HTMLElement | null {
  const links = document.querySelectorAll<HTMLElement>(`main a[href="/dashboard/keys/${CSS.escape(id)}"]`);
  return [...links].find((a) => a.checkVisibility()) ?? null;
}

function RevealContent({ created, onDone }: { created: CreatedKey | RolledKey; onDone: () => void }) {
  const rolled = "previous_key" in created;
  const fieldId = useId();
  const warningId = useId();
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const [copyFailed, setCopyFailed] = useState(false);

  return (
    <div className="space-y-4">
      <p className="flex flex-wrap items-center gap-2 text-sm text-zinc-600">
        <span className="font-medium break-all text-zinc-900">{created.name}</span>
        <EnvironmentBadge environment={created.environment} />
      </p>
      {rolled && <ReplacesNote previous={created.previous_key} />}
      <div
        id={warningId}
        role="note"
        className="flex gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900"
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" className="mt-0.5 size-4 shrink-0 text-amber-600" fill="currentColor">
          <path d="M10 2 1 18h18L10 2Zm-.9 6h1.8v5H9.1V8Zm0 6.5h1.8v1.8H9.1v-1.8Z" />
        </svg>
        <p>
          <strong className="font-semibold">This key will not be shown again.</strong> Store it somewhere safe, such as a password manager
          or secrets manager.
        </p>
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={fieldId}>API key</Label>
        <div className="flex flex-col items-end gap-2">
          {/* A textarea so the whole key wraps onto two lines on a phone instead of hiding its end;
              full width so it fits on one line on a desktop. */}
          <textarea
            ref={inputRef}
            id={fieldId}
            readOnly
            value={created.key}
            rows={1}
            aria-describedby={warningId}
            spellCheck={false}
            autoComplete="off"
            // Selecting everything on focus makes a manual copy one keystroke.
            onFocus={(e) => e.currentTarget.select()}
            className="h-14 w-full min-w-0 resize-none overflow-hidden rounded-md border border-zinc-300 bg-zinc-50 px-3 py-2 font-mono text-[13px] leading-5 break-all text-zinc-900 focus:outline-2 focus:outline-zinc-900 sm:h-9"
          />
          <CopyButton
            value={created.key}
            aria-label="Copy API key"
            size="md"
            data-autofocus
            onCopyFailed={() => {
              setCopyFailed(true);
              inputRef.current?.focus();
            }}
          />
        </div>
        {copyFailed && (
          <p role="alert" className="text-sm text-zinc-600">
            This browser did not allow copying. The key is selected: press Ctrl+C (⌘C on a Mac) to copy it.
          </p>
        )}
      </div>
      {created.environment === "test" ? (
        <p className="text-sm text-zinc-600" data-reveal-usage="">
          Send it as <code className="font-mono text-[13px] text-zinc-900">Authorization: Bearer {created.prefix}…</code>. A test key needs
          no provider key: NeuronEdge&apos;s built-in simulator answers it in the provider&apos;s own format, and nothing reaches a provider
          or is billed.
        </p>
      ) : (
        <p className="text-sm text-zinc-600" data-reveal-usage="">
          Send it as <code className="font-mono text-[13px] text-zinc-900">Authorization: Bearer {created.prefix}…</code> together with your
          provider key in <code className="font-mono text-[13px] text-zinc-900">X-Provider-API-Key</code>.
        </p>
      )}
      <DialogFooter>
        {/* After a roll, the new key's page is where its usage and policy now live. */}
        {rolled && (
          <Link href={`/dashboard/keys/${created.id}`} onClick={onDone} className={buttonClasses({ variant: "secondary" })}>
            Saved: go to the new key
          </Link>
        )}
        <Button onClick={onDone}>I&apos;ve saved my key</Button>
      </DialogFooter>
    </div>
  );
}

function ReplacesNote({ previous }: { previous: RolledKey["previous_key"] }) {
  const end = previous.expires_at;
  const stillWorks = end !== null && Date.parse(end) > Date.now();
  return (
    <p className="text-sm text-zinc-600">
      Replaces <code className="font-mono text-[13px] text-zinc-900">{previous.prefix}…</code>, which{" "}
      {stillWorks ? `keeps working until it expires ${formatRelative(end)}` : "has stopped working"}.
    </p>
  );
}
