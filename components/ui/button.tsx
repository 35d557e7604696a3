import type { ButtonHTMLAttributes } from "react";
import { cn } from "./cn";

export type ButtonVariant = "primary" | "secondary" | "ghost" | "ghost-danger" | "ghost-inverse" | "destructive";
export type ButtonSize = "sm" | "md";

// Each variant sets every colour it uses (focus ring included): without a class-merging
// library, a colour passed in className would fight the variant's and lose at random.
const variants: Record<ButtonVariant, string> = {
  primary: "bg-zinc-900 text-white shadow-sm hover:bg-zinc-700 disabled:bg-zinc-400 focus-visible:outline-zinc-900",
  secondary:
    "border border-zinc-300 bg-white text-zinc-900 shadow-sm hover:bg-zinc-50 disabled:text-zinc-400 focus-visible:outline-zinc-900",
  ghost: "text-zinc-700 hover:bg-zinc-100 hover:text-zinc-900 disabled:text-zinc-400 focus-visible:outline-zinc-900",
  "ghost-danger": "text-red-600 hover:bg-red-50 hover:text-red-700 disabled:text-red-300 focus-visible:outline-red-600",
  /** For dark surfaces such as code blocks. */
  "ghost-inverse": "text-zinc-200 hover:bg-zinc-800 hover:text-white disabled:text-zinc-500 focus-visible:outline-zinc-300",
  destructive: "bg-red-600 text-white shadow-sm hover:bg-red-700 disabled:bg-red-300 focus-visible:outline-red-600",
};

const sizes: Record<ButtonSize, string> = {
  sm: "h-8 gap-1.5 px-3 text-sm",
  md: "h-9 gap-2 px-4 text-sm",
};

/** Shared by <Button> and links styled as buttons, so both look the same. */
export function buttonClasses({
  variant = "primary",
  size = "md",
  className,
}: {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
} = {}): string {
  return cn(
    "inline-flex shrink-0 items-center justify-center rounded-md font-medium whitespace-nowrap transition-colors",
    "focus-visible:outline-2 focus-visible:outline-offset-2",
    "disabled:cursor-not-allowed aria-disabled:cursor-progress aria-disabled:opacity-70",
    variants[variant],
    sizes[size],
    className,
  );
}

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: ButtonVariant;
  size?: ButtonSize;
}

export function Button({ variant, size, className, type = "button", ...props }: ButtonProps) {
  // type defaults to "button" so a button inside a form never submits by accident.
  return <button type={type} className={buttonClasses({ variant, size, className })} {...props} />;
}
