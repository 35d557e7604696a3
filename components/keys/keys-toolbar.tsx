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
  // The view as last asked for: a second change before the first navigation lands builds on it.
  const [view, setView] = useState(params);
  const sent = useRef(new Set<string>());
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const href = keysListHref(params);

  // A navigation this toolbar did not make (Clear filters, a page link, back) brings its own view;
  // params is a new object every render, so its href says whether it changed.
  useEffect(() => {
    if (sent.current.has(href)) return;
    sent.current.clear();
    setView(params);
  }, [href]);
  useEffect(() => {
    const back = () => sent.current.clear();
    window.addEventListener("popstate", back);
    return () => {
      window.removeEventListener("popstate", back);
      clearTimeout(timer.current);
    };
  }, []);

  function go(change: Partial<KeysListParams>) {
    clearTimeout(timer.current);
    const next = { ...view, ...change, page: 1 };
    setView(next);
    const to = keysListHref({ ...next, q: next.q.trim() });
    sent.current.add(to);
    startTransition(() => router.replace(to, { scroll: false }));
  }

  function onSearch(value: string) {
    setView((v) => ({ ...v, q: value }));
    clearTimeout(timer.current);
    timer.current = setTimeout(() => go({ q: value }), SEARCH_DELAY_MS);
  }

  function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    go({});
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
            value={view.q}
            onChange={(e) => onSearch(e.target.value)}
            placeholder="Name or prefix (ne_live_…)"
            autoComplete="off"
            className="mt-1"
          />
        </div>
        <Filter id="keys-env" label="Environment" value={view.env} onChange={(env) => go({ env: env as KeysListParams["env"] })}>
          <option value="all">All environments</option>
          <option value="live">Live</option>
          <option value="test">Test</option>
        </Filter>
        <Filter id="keys-status" label="Status" value={view.status} onChange={(s) => go({ status: s as KeysListParams["status"] })}>
          {LIST_STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_OPTIONS[s]}
            </option>
          ))}
        </Filter>
        <Filter id="keys-sort" label="Sort by" value={view.sort} onChange={(s) => go({ sort: s as KeysListParams["sort"] })}>
          {LIST_SORTS.map((s) => (
            <option key={s} value={s}>
              {SORT_OPTIONS[s]}
            </option>
          ))}
        </Filter>
        {/* Carried along so filtering keeps revoked keys shown when they were. */}
        {view.revoked && <input type="hidden" name="revoked" value="1" />}
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
