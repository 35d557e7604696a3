import Link from "next/link";
import { Button, buttonClasses } from "@/components/ui/button";
import { formatInteger, plural } from "@/components/usage/format";
import { RecentRequestsTable } from "@/components/usage/recent-requests";
import { MAX_POSITION } from "@/db/queries/usage-requests";
import { REQUESTS_PARAM, type RequestsPage } from "@/lib/usage/key-page";
import { RECENT_DESCRIPTION } from "./key-page-parts";

// The key's requests twenty at a time, with Newer/Older links that keep the page's place in the URL.

function showing(p: RequestsPage): string {
  if (p.startIsLowerBound) {
    return `Showing ${plural(p.rows.length, "request")} more than ${formatInteger(MAX_POSITION)} back, of ${formatInteger(p.total)}`;
  }
  return `Showing ${formatInteger(p.start)}–${formatInteger(p.end)} of ${plural(p.total, "request")}`;
}

function PageLink({ href, label, rel }: { href: string | null; label: string; rel: "prev" | "next" }) {
  if (!href) {
    return (
      <Button variant="secondary" size="sm" disabled>
        {label}
      </Button>
    );
  }
  // scroll={false}: the table keeps its height, so the controls stay under the pointer.
  return (
    <Link href={href} rel={rel} scroll={false} className={buttonClasses({ variant: "secondary", size: "sm" })}>
      {label}
    </Link>
  );
}

export function KeyRequests({ keyId, page }: { keyId: string; page: RequestsPage }) {
  const base = `/dashboard/keys/${encodeURIComponent(keyId)}`;
  const at = (cursor: string) => `${base}?${REQUESTS_PARAM}=${encodeURIComponent(cursor)}`;
  // Newer from the second page is the first page itself: its plain address, always up to date.
  const newer = page.newer ? (page.start <= 21 ? base : at(page.newer)) : null;
  return (
    <section aria-labelledby="recent-title" className="mt-8" data-requests-page={page.start}>
      <h2 id="recent-title" className="text-base font-semibold text-zinc-900">
        Recent requests
      </h2>
      <p className="mt-1 mb-3 text-sm text-zinc-600">{RECENT_DESCRIPTION}</p>
      <RecentRequestsTable requests={page.rows} />
      <nav aria-label="Recent requests pages" className="mt-3 flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-600">{showing(page)}</p>
        <div className="flex gap-2">
          <PageLink href={newer} label="Newer" rel="prev" />
          <PageLink href={page.older ? at(page.older) : null} label="Older" rel="next" />
        </div>
      </nav>
    </section>
  );
}
