"use client";

import { useEffect, useRef, useState } from "react";
import { Button, type ButtonProps } from "./button";

type CopyState = "idle" | "copied" | "failed";

export interface CopyButtonProps extends Omit<ButtonProps, "onClick" | "children" | "value"> {
  value: string;
  /** Visible label; the accessible name can add what is copied, e.g. "Copy API key". */
  label?: string;
  /** Called when the clipboard refuses (insecure context, denied permission). */
  onCopyFailed?: () => void;
}

export function CopyButton({ value, label = "Copy", onCopyFailed, variant = "secondary", size = "sm", ...props }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>("idle");
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);

  async function copy() {
    clearTimeout(timer.current);
    try {
      await navigator.clipboard.writeText(value);
      setState("copied");
    } catch {
      setState("failed");
      onCopyFailed?.();
    }
    timer.current = setTimeout(() => setState("idle"), 2500);
  }

  return (
    <Button variant={variant} size={size} onClick={copy} {...props}>
      {state === "copied" ? <CheckIcon /> : <CopyIcon />}
      {/* aria-live: screen readers announce "Copied" without moving focus. */}
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}</span>
    </Button>
  );
}

function CopyIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.5">
      <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
      <path d="M10.5 3.5v-.5A1.5 1.5 0 0 0 9 1.5H3A1.5 1.5 0 0 0 1.5 3v6A1.5 1.5 0 0 0 3 10.5h.5" />
    </svg>
  );
}

function CheckIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4 text-emerald-600" fill="none" stroke="currentColor" strokeWidth="2">
      <path d="M3 8.5l3 3 7-7" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
