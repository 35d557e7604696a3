"use client";

import { usePathname } from "next/navigation";
import { type HTMLAttributes, useEffect, useRef } from "react";

// Where the last heading mounted, and that heading: a client-side navigation leaves focus on
// <body>, so the new page's heading takes it, as a screen reader expects from a page load.
let lastPath: string | null = null;
let lastHeading: HTMLElement | null = null;

/**
 * A page's h1. On the first page of a document it leaves focus alone; after a navigation to
 * another path it takes focus, and it also takes it back from a loading skeleton's heading
 * that had focus and is gone. A change of query string (filters) never moves focus.
 */
export function PageHeading({ className, ...props }: HTMLAttributes<HTMLHeadingElement>) {
  const ref = useRef<HTMLHeadingElement>(null);
  const path = usePathname();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const active = document.activeElement;
    const focusLost = active === null || active === document.body;
    const navigated = lastPath !== null && lastPath !== path;
    const skeletonGone = lastHeading !== null && !lastHeading.isConnected && focusLost;
    lastPath = path;
    lastHeading = el;
    // A person already typing on the new page (or in a dialog) keeps their place.
    if ((navigated && (focusLost || !el.closest("main")?.contains(active))) || skeletonGone) {
      if (!active?.closest("[role=dialog]")) el.focus({ preventScroll: true });
    }
  }, [path]);
  return <h1 ref={ref} tabIndex={-1} className={className} {...props} />;
}
