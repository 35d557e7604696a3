"use client";

import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { Select } from "@/components/ui/input";

export interface KeySelectOption {
  id: string;
  name: string;
  revoked: boolean;
}

/** Picks the key the overview shows; the choice lives in the URL (?key=), so it can be shared. */
export function KeySelect({
  options,
  value,
  hrefs,
}: {
  options: KeySelectOption[];
  value: string | null;
  /** Where each choice leads: "" for all keys, else the key id. Computed on the server. */
  hrefs: Record<string, string>;
}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <div className="w-full space-y-1 sm:w-60">
      <label htmlFor={id} className="block text-xs font-medium text-zinc-500">
        Key
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
        <option value="">All keys</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
            {o.revoked ? " (revoked)" : ""}
          </option>
        ))}
      </Select>
    </div>
  );
}
