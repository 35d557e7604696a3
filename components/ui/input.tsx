import type { ComponentProps, LabelHTMLAttributes, ReactNode } from "react";
import { cn } from "./cn";

const control =
  "block w-full rounded-md border bg-white px-3 text-sm text-zinc-900 shadow-sm transition-colors " +
  "placeholder:text-zinc-400 focus:outline-2 focus:outline-offset-0 focus:outline-zinc-900 " +
  "disabled:cursor-not-allowed disabled:bg-zinc-50 disabled:text-zinc-500";

export function Label({ className, ...props }: LabelHTMLAttributes<HTMLLabelElement>) {
  // biome-ignore lint/a11y/noLabelWithoutControl: callers pass htmlFor
  return <label className={cn("block text-sm font-medium text-zinc-900", className)} {...props} />;
}

export function Input({ className, "aria-invalid": invalid, ...props }: ComponentProps<"input">) {
  return (
    <input aria-invalid={invalid} className={cn(control, "h-9", invalid ? "border-red-500" : "border-zinc-300", className)} {...props} />
  );
}

export function Textarea({ className, "aria-invalid": invalid, ...props }: ComponentProps<"textarea">) {
  return (
    <textarea
      aria-invalid={invalid}
      className={cn(control, "min-h-16 py-2 leading-5", invalid ? "border-red-500" : "border-zinc-300", className)}
      {...props}
    />
  );
}

/** A native checkbox drawn in the dashboard's colours, with a visible keyboard focus ring. */
export function Checkbox({ className, ...props }: Omit<ComponentProps<"input">, "type">) {
  return (
    <input
      type="checkbox"
      className={cn(
        "size-4 shrink-0 rounded border-zinc-300 accent-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900",
        className,
      )}
      {...props}
    />
  );
}

export function Select({ className, children, ...props }: ComponentProps<"select">) {
  return (
    <div className="relative">
      <select className={cn(control, "h-9 appearance-none border-zinc-300 pr-9", className)} {...props}>
        {children}
      </select>
      {/* appearance-none hides the native arrow so the select matches the inputs; draw our own. */}
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-zinc-500"
      >
        <path d="M4 6l4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
      </svg>
    </div>
  );
}

export function FieldHint({ id, children }: { id?: string; children: ReactNode }) {
  return (
    <p id={id} className="text-sm text-zinc-500">
      {children}
    </p>
  );
}

/** An inline error under a field. role="alert" so screen readers hear it when it appears. */
export function FieldError({ id, children }: { id?: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={id} role="alert" className="text-sm text-red-600">
      {children}
    </p>
  );
}
