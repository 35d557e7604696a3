import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CreateKeyButton } from "./create-key-button";

export function KeysEmptyState() {
  return (
    <Card className="flex flex-col items-center px-6 py-12 text-center">
      <span className="flex size-11 items-center justify-center rounded-full bg-zinc-100 text-zinc-600">
        <KeyIcon />
      </span>
      <h2 className="mt-4 text-base font-semibold text-zinc-900">No API keys yet</h2>
      <p className="mt-2 max-w-md text-sm text-zinc-600">
        A gateway key tells NeuronEdge who is calling, so usage and limits are tracked per app or teammate. Your provider&apos;s own key
        (for example <code className="font-mono text-[13px]">sk-…</code>) still pays the provider; the gateway passes it on and never stores
        it.
      </p>
      <div className="mt-6">
        <CreateKeyButton />
      </div>
    </Card>
  );
}

function KeyIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.5">
      <circle cx="6.5" cy="13.5" r="3.5" />
      <path d="M9 11l7.5-7.5M14 6l2 2M12 8l1.5 1.5" strokeLinecap="round" />
    </svg>
  );
}

/** Keys exist, but the search or filters hide every one of them. */
export function KeysNoMatch({ clearHref }: { clearHref: string }) {
  return (
    <Card className="flex flex-col items-center px-6 py-10 text-center">
      <h2 className="text-base font-semibold text-zinc-900">No keys match</h2>
      <p className="mt-2 max-w-md text-sm text-zinc-600">No key has that name or prefix, environment and status.</p>
      <Link href={clearHref} className={buttonClasses({ variant: "secondary", size: "sm", className: "mt-4" })}>
        Clear filters
      </Link>
    </Card>
  );
}
