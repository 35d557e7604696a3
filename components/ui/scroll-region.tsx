"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A box that scrolls sideways when its table is wider than the screen. While it does, it is a
 * labelled, focusable region (named after the table's caption), so keyboard users can scroll it
 * with the arrow keys; when everything fits it adds no tab stop.
 */
export function ScrollRegion({ className, children }: { className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  const [label, setLabel] = useState<string | undefined>(undefined);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => {
      setScrolls(el.scrollWidth > el.clientWidth + 1);
      setLabel(el.querySelector("caption")?.textContent?.trim() || undefined);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, []);
  const region = scrolls ? { role: "region", "aria-label": `${label ?? "Table"}, scrolls sideways`, tabIndex: 0 } : {};
  return (
    <div ref={ref} className={className} {...region}>
      {children}
    </div>
  );
}
