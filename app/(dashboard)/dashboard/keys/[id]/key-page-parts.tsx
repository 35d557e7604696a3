import Link from "next/link";
import { REQUESTS_PAGE_SIZE } from "@/lib/usage/key-page";

// Shared by the key page and its loading skeleton, so both render the same sizes.

export const KEY_SUMMARY_LABELS = ["Requests", "Tokens", "Cost", "Error rate"] as const;

export const KEY_CHARTS = {
  requests: { title: "Requests per day", description: "Failed requests in red; the line is the error rate." },
  tokens: { title: "Tokens per day", description: "Input and output tokens." },
} as const;

export const RECENT_DESCRIPTION = `Every request with this key, newest first, ${REQUESTS_PAGE_SIZE} to a page. Open one for its details.`;

export function KeyBreadcrumb({ name }: { name: string | null }) {
  return (
    <nav aria-label="Breadcrumb" className="text-sm text-zinc-500">
      <ol className="flex min-w-0 items-center gap-1.5">
        <li>
          <Link
            href="/dashboard/keys"
            className="rounded font-medium text-zinc-600 underline-offset-4 hover:text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900"
          >
            API keys
          </Link>
        </li>
        <li aria-hidden="true">/</li>
        <li className="min-w-0 truncate" aria-current={name ? "page" : undefined}>
          {name ?? "…"}
        </li>
      </ol>
    </nav>
  );
}
