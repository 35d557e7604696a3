"use client";

import { ClerkFailed, ClerkLoaded, ClerkLoading } from "@clerk/nextjs";
import type { ReactNode } from "react";

/**
 * Clerk's own widgets (sign-in, account menu, organisation switcher) come from Clerk's servers.
 * While they load, and when they cannot (no network, a wrong publishable key), `fallback` stands in.
 */
export function ClerkWidget({ children, loading, failed }: { children: ReactNode; loading?: ReactNode; failed: ReactNode }) {
  return (
    <>
      <ClerkLoading>{loading ?? null}</ClerkLoading>
      <ClerkLoaded>{children}</ClerkLoaded>
      <ClerkFailed>{failed}</ClerkFailed>
    </>
  );
}
