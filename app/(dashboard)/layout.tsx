import { OrganizationSwitcher, UserButton } from "@clerk/nextjs";
import Link from "next/link";
import type { ReactNode } from "react";
import { ClerkWidget } from "@/components/auth/clerk-fallback";
import { SessionSummary } from "@/components/auth/session-summary";
import { NavLink } from "@/components/ui/nav-link";
import { pageOwner } from "@/lib/auth/page-owner";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  const { mode, actorId, org } = await pageOwner();
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only rounded-md bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus:shadow"
      >
        Skip to content
      </a>
      <header className="border-b border-zinc-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:px-6">
          <Link
            href="/dashboard"
            className="flex items-center gap-2 rounded-md text-[15px] font-semibold tracking-tight text-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-4 focus-visible:outline-zinc-900"
          >
            <LogoMark />
            NeuronEdge
          </Link>
          {/* On phones the nav takes its own line under the product name and account controls. */}
          <nav aria-label="Dashboard" className="order-last flex w-full items-center gap-1 sm:order-none sm:ml-0 sm:w-auto">
            <NavLink href="/dashboard" exact>
              Overview
            </NavLink>
            <NavLink href="/dashboard/keys">API keys</NavLink>
          </nav>
          <div className="ml-auto flex h-8 items-center gap-3">
            {mode === "clerk" ? (
              <ClerkWidget loading={<SessionSummary userId={actorId} org={org} />} failed={<SessionSummary userId={actorId} org={org} />}>
                <OrganizationSwitcher afterSelectOrganizationUrl="/dashboard" afterSelectPersonalUrl="/dashboard" />
                <UserButton />
              </ClerkWidget>
            ) : (
              <span className="rounded-full bg-zinc-100 px-2.5 py-1 text-xs font-medium text-zinc-600">Local</span>
            )}
          </div>
        </div>
        {/* Inside the header landmark, so every part of the page belongs to one (axe: region). */}
        {mode === "local" && (
          <div role="note" className="border-t border-amber-200 bg-amber-50">
            <p className="mx-auto max-w-6xl px-4 py-2 text-sm text-amber-900 sm:px-6">
              <strong className="font-semibold">Local mode:</strong> no sign-in; this dashboard is only reachable from this machine.
              Configure Clerk to share it.
            </p>
          </div>
        )}
      </header>
      <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-8 sm:px-6">
        {children}
      </main>
    </div>
  );
}

function LogoMark() {
  return (
    <span aria-hidden="true" className="flex size-7 items-center justify-center rounded-md bg-zinc-900 text-white">
      {/* biome-ignore lint/a11y/noSvgWithoutTitle: decorative; its wrapper is aria-hidden */}
      <svg viewBox="0 0 16 16" className="size-4" fill="none" stroke="currentColor" strokeWidth="1.75">
        <path d="M3 13V3l10 10V3" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </span>
  );
}
