"use client";

import { useEffect, useId, useLayoutEffect, useRef, type ReactNode } from "react";
import { cn } from "./cn";

export interface DialogProps {
  open: boolean;
  /** The user dismissed the dialog (Escape or a backdrop click). Only called when dismissible. */
  onDismiss?: () => void;
  title: ReactNode;
  description?: ReactNode;
  /**
   * false: only the dialog's own buttons close it. Escape and backdrop clicks do nothing,
   * for dialogs whose content must not be lost by accident (a key shown once, a request in flight).
   */
  dismissible?: boolean;
  /** alertdialog for confirmations that interrupt the user. */
  role?: "dialog" | "alertdialog";
  /** Where focus goes on close when the element that opened the dialog is gone from the page. */
  returnFocus?: () => HTMLElement | null;
  /** Where focus goes on close ahead of the opener, when it finds an element (a new key's link). */
  focusOnClose?: () => HTMLElement | null;
  className?: string;
  children: ReactNode;
}

// Support for `closedby` (Chrome 134+, Firefox 141+) lets the browser handle light dismiss
// and ignore Escape by itself; elsewhere the handlers below do the same by hand.
const nativeClosedBy = typeof HTMLDialogElement !== "undefined" && "closedBy" in HTMLDialogElement.prototype;

/**
 * A modal built on the native <dialog> and showModal(): the browser traps focus, makes the
 * rest of the page inert and draws the backdrop. Focus moves to the first focusable element
 * (or one marked data-autofocus) and returns to the opener on close.
 */
export function Dialog({
  open,
  onDismiss,
  title,
  description,
  dismissible = true,
  role = "dialog",
  returnFocus = defaultReturnFocus,
  focusOnClose,
  className,
  children,
}: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const opener = useRef<HTMLElement | null>(null);
  const titleId = useId();
  const descriptionId = useId();

  // Latest props for the native event handlers, which outlive a render.
  const latest = useRef({ open, dismissible, onDismiss, returnFocus, focusOnClose });
  useLayoutEffect(() => {
    latest.current = { open, dismissible, onDismiss, returnFocus, focusOnClose };
  });

  // Layout effect: open and close before paint, so there is no frame with stale content.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    if (open && !el.open) {
      opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      el.showModal();
      el.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    } else if (!open && el.open) {
      el.close();
      const preferred = latest.current.focusOnClose?.() ?? null;
      const target = preferred ?? (opener.current?.isConnected ? opener.current : latest.current.returnFocus());
      target?.focus();
      opener.current = null;
    }
  }, [open]);

  // Closing with the component still mounted-open would leave an inert page behind.
  useEffect(() => () => ref.current?.close(), []);

  const backdropPress = useRef(false);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the click is the backdrop's; the keyboard closes it with Escape (onCancel)
    <dialog
      ref={ref}
      role={role === "alertdialog" ? "alertdialog" : undefined}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      closedby={dismissible ? "any" : "none"}
      onCancel={(e) => {
        // Escape. Non-dismissible dialogs stay; the others close and report it via onClose below.
        if (!latest.current.dismissible) e.preventDefault();
      }}
      onClose={() => {
        const { open: stillOpen, dismissible: canDismiss, onDismiss: dismiss } = latest.current;
        if (!stillOpen) return; // we closed it ourselves
        if (canDismiss) dismiss?.();
        else ref.current?.showModal(); // a browser closed it anyway: put it back
      }}
      onPointerDown={(e) => {
        backdropPress.current = e.target === e.currentTarget;
      }}
      onClick={(e) => {
        // The dialog box has no padding, so a click on the <dialog> element itself is on the backdrop.
        if (nativeClosedBy || !backdropPress.current || e.target !== e.currentTarget) return;
        if (latest.current.dismissible) latest.current.onDismiss?.();
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-2xl",
        "backdrop:bg-zinc-950/50",
        className,
      )}
    >
      {open && (
        <div className="p-5 sm:p-6">
          <h2 id={titleId} className="pr-6 text-lg font-semibold text-zinc-900">
            {title}
          </h2>
          {description && (
            <div id={descriptionId} className="mt-2 text-sm text-zinc-600">
              {description}
            </div>
          )}
          <div className="mt-5">{children}</div>
        </div>
      )}
    </dialog>
  );
}

function defaultReturnFocus(): HTMLElement | null {
  return document.querySelector<HTMLElement>("main h1");
}

/** The button row at the bottom of a dialog: stacked on phones, right-aligned otherwise. */
export function DialogFooter({ children }: { children: ReactNode }) {
  return <div className="mt-6 flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">{children}</div>;
}
