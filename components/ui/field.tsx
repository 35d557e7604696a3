import type { ReactNode } from "react";

// The parts of a form that explain what is wrong with it: one summary at the top, a message under
// each field at fault, and a note under a field saying how an unusual value was read.

/**
 * The summary at the top of a form, announced when it appears or changes; the field that then
 * gets focus reads its own message.
 */
export function ErrorSummary({ children }: { children?: ReactNode }) {
  if (!children) return null;
  return (
    <p
      role="alert"
      className="flex items-start gap-2 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm font-medium text-red-800"
    >
      <svg aria-hidden="true" viewBox="0 0 16 16" className="mt-0.5 size-4 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.5">
        <circle cx="8" cy="8" r="6.25" />
        <path d="M8 4.75v3.75M8 11v.25" strokeLinecap="round" />
      </svg>
      <span>{children}</span>
    </p>
  );
}

/** A field's error, linked to it by aria-describedby; not a live region, the summary is. */
export function FieldMessage({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="text-sm text-red-700">
      {children}
    </p>
  );
}

/** How a forgiving parse read what was typed: "1e6 → 1,000,000 requests per minute". */
export function FieldNote({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} className="text-sm text-zinc-600">
      {children}
    </p>
  );
}

/** The ids to put in a control's aria-describedby, skipping the parts not shown. */
export function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}
