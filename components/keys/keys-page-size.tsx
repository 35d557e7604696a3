"use client";

import { useRouter } from "next/navigation";
import { useId, useTransition } from "react";
import { Label, Select } from "@/components/ui/input";
import { KEYS_PAGE_SIZES, keysListHref, type KeysListParams } from "@/lib/keys/list-view";

/** "Keys per page": 25, 50 or 100; a change goes back to page 1 of the same view. */
export function KeysPageSize({ params }: { params: KeysListParams }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const id = useId();
  return (
    <div className="flex items-center gap-2 whitespace-nowrap">
      <Label htmlFor={id} className="font-normal text-zinc-600">
        Keys per page
      </Label>
      <Select
        id={id}
        aria-busy={pending || undefined}
        value={params.size}
        onChange={(e) => {
          const size = Number(e.target.value) as KeysListParams["size"];
          startTransition(() => router.replace(keysListHref({ ...params, size, page: 1 }), { scroll: false }));
        }}
        className="h-8 w-20"
      >
        {KEYS_PAGE_SIZES.map((n) => (
          <option key={n} value={n}>
            {n}
          </option>
        ))}
      </Select>
    </div>
  );
}
