"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition, type FormEvent, type ReactNode } from "react";
import { Input, Label, Select } from "@/components/ui/input";
import {
  KEYS_LIST_PATH,
  keysListHref,
  LIST_SORTS,
  LIST_STATUSES,
  SORT_OPTIONS,
  STATUS_OPTIONS,
  type KeysListParams,
} from "@/lib/keys/list-view";

const SEARCH_DELAY_MS = 300;

/**
 * Search, filters and sort. The URL is the state: every change navigates to the view's address
 * (page 1), and the server renders it, so a copied link shows the same list. Without
 * JavaScript the form still submits the same parameters.
 */
export function KeysToolbar({ params }: { params: KeysListParams }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [q, setQ] = useState(params.q);
  const sent = useRef(params.q);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  // A navigation that did not come from typing (Clear filters, back) brings its own search text.
  useEffect(() => {
    if (params.q !== sent.current) {
      sent.current = params.q;
      setQ(params.q);
    }
  }, [params.q]);
  useEffect(() => () => clearTimeout(timer.current), []);

  function go(change: Partial<KeysListParams>) {
    clearTimeout(timer.current);
    const next = { ...params, q, ...change, page: 1 };
    sent.current = next.q;
    startTransition(() => router.replace(keysListHref(next), { scroll: false }));
  }

  function onSearch(value: string) {
    setQ(value);
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: value.trim() }), SEARCH_DELAY_MS);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    go({ q: q.trim() });
  }

  return (
    <search aria-label="Filter API keys">
      <form
        action={KEYS_LIST_PATH}
        method="get"
        onSubmit={onSubmit}
        aria-busy={pending || undefined}
        className="grid grid-cols-2 gap-3 sm:flex sm:flex-wrap sm:items-end"
      >
        <div className="col-span-2 sm:w-64">
          <Label htmlFor="keys-q" className="text-xs text-zinc-600">
            Search
          </Label>
          <Input
            id="keys-q"
            name="q"
            type="search"
            value={q}
            onChange={(e) => onSearch(e.target.value)}
            placeholder="Name or prefix (ne_live_…)"
            autoComplete="off"
            className="mt-1"
          />
        </div>
        <Filter id="keys-env" label="Environment" value={params.env} onChange={(env) => go({ env: env as KeysListParams["env"] })}>
          <option value="all">All environments</option>
          <option value="live">Live</option>
          <option value="test">Test</option>
        </Filter>
        <Filter id="keys-status" label="Status" value={params.status} onChange={(s) => go({ status: s as KeysListParams["status"] })}>
          {LIST_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_OPTIONS[s]}
            </option>
          ))}
        </Filter>
        <Filter id="keys-sort" label="Sort by" value={params.sort} onChange={(s) => go({ sort: s as KeysListParams["sort"] })}>
          {LIST_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_OPTIONS[s]}
            </option>
          ))}
        </Filter>
        {/* Carried along so filtering keeps revoked keys shown when they were. */}
        {params.revoked && <input type="hidden" name="revoked" value="1" />}
      </form>
    </search>
  );
}

function Filter({
  id,
  label,
  value,
  onChange,
  children,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  children: ReactNode;
}) {
  return (
    <div className="min-w-0 sm:w-44">
      <Label htmlFor={id} className="text-xs text-zinc-600">
        {label}
      </Label>
      <div className="mt-1">
        <Select id={id} name={id.replace("keys-", "")} value={value} onChange={(e) => onChange(e.target.value)}>
          {children}
        </Select>
      </div>
    </div>
  );
}
