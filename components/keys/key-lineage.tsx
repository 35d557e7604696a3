import Link from "next/link";
import { DateTime } from "@/components/ui/date-time";
import type { KeyView } from "@/lib/keys/service";
import { formatRelative } from "./policy-format";

// Where a rolled key went, and where a new key came from. Links show the other key's prefix,
// the part people recognise; the two keys share a name.

export interface KeyRef {
  id: string;
  prefix: string | null;
}

const linkClass = "rounded font-mono text-[13px] underline underline-offset-4 focus-visible:outline-2 focus-visible:outline-offset-2";

/** On a rolled key's page: its successor, and when this key stops (or stopped) working. */
export function RolledNotice({ keyView, successor }: { keyView: KeyView; successor: KeyRef }) {
  const end = keyView.expires_at;
  const ended = keyView.status !== "active";
  return (
    <div role="note" className="flex gap-3 rounded-lg border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
      <svg
        aria-hidden="true"
        viewBox="0 0 16 16"
        className="mt-0.5 size-4 shrink-0 text-amber-600"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
      >
        <path d="M13 8a5 5 0 1 1-1.5-3.55M13 2.5v2.5h-2.5" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="min-w-0 break-words">
        Rolled to{" "}
        <Link
          href={`/dashboard/keys/${successor.id}`}
          // Where focus lands when the roll dialogs close and the Roll button has gone.
          data-successor-link=""
          className={`${linkClass} text-amber-950 hover:text-amber-700 focus-visible:outline-amber-900`}
        >
          {successor.prefix ? `${successor.prefix}…` : successor.id}
        </Link>
        {keyView.status === "revoked" ? (
          "; this key has been revoked."
        ) : end ? (
          <>
            ; this key {ended ? "stopped" : "stops"} working {formatRelative(end)} (<DateTime iso={end} withTime />
            ).
            {!ended && " Move your apps to the new key before then."}
          </>
        ) : (
          "."
        )}
      </p>
    </div>
  );
}

/** In a new key's header: the key it replaced. */
export function RolledFrom({ predecessor }: { predecessor: KeyRef }) {
  return (
    <span>
      Rolled from{" "}
      <Link
        href={`/dashboard/keys/${predecessor.id}`}
        className={`${linkClass} text-zinc-700 hover:text-zinc-900 focus-visible:outline-zinc-900`}
      >
        {predecessor.prefix ? `${predecessor.prefix}…` : predecessor.id}
      </Link>
    </span>
  );
}
