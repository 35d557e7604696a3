import type { HTMLAttributes } from "react";
import { cn } from "./cn";

export type BadgeTone = "neutral" | "success" | "warning" | "danger" | "info";

export interface BadgeProps extends HTMLAttributes<HTMLSpanElement> {
  tone?: BadgeTone;
  /** A coloured dot before the label, for states (active, revoked) rather than categories. */
  dot?: boolean;
}

/** Styled by the `.badge` classes in app/globals.css: a list repeats its badges on every row. */
export function Badge({ tone = "neutral", dot = false, className, children, ...props }: BadgeProps) {
  return (
    <span className={cn("badge", `badge-${tone}`, className)} data-dot={dot ? "" : undefined} {...props}>
      {children}
    </span>
  );
}
