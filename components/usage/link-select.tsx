"use client";

import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { Select } from "@/components/ui/input";
import { cn } from "@/components/ui/cn";

export interface LinkSelectOption {
  value: string;
  label: string;
}

/** A labelled select whose every choice is a link computed on the server: the URL holds the choice. */
export function LinkSelect({
  label,
  allLabel,
  options,
  value,
  hrefs,
  className = "w-full sm:w-60",
}: {
  label: string;
  /** The first choice, value "": no filter. */
  allLabel: string;
  options: LinkSelectOption[];
  value: string | null;
  /** Where each choice leads, by value ("" for allLabel). */
  hrefs: Record<string, string>;
  className?: string;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <div className={cn("space-y-1", className)}>
      <label htmlFor={id} className="block text-xs font-medium text-zinc-500">
        {label}
      </label>
      <Select
        id={id}
        value={value ?? ""}
        aria-busy={pending || undefined}
        onChange={(e) => {
          const href = hrefs[e.target.value];
          if (href) startTransition(() => router.push(href, { scroll: false }));
        }}
        className={pending ? "text-zinc-400" : undefined}
      >
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </div>
  );
}
