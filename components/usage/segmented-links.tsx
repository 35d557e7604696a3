import Link from "next/link";
import { cn } from "@/components/ui/cn";

export interface SegmentItem {
  href: string;
  label: string;
  current: boolean;
  /** A longer name for the tooltip, e.g. "Last 7 days" for "7d". */
  title?: string;
  /** Test data is amber across the dashboard, as test mode is in payment consoles. */
  tone?: "neutral" | "test";
}

/** A row of links that behaves like a segmented control: the URL holds the choice. */
export function SegmentedLinks({ label, items }: { label: string; items: SegmentItem[] }) {
  return (
    <div className="space-y-1">
      <p className="text-xs font-medium text-zinc-500" aria-hidden="true">
        {label}
      </p>
      {/* biome-ignore lint/a11y/useSemanticElements: a group of links, not form controls: no fieldset */}
      <div
        role="group"
        aria-label={label}
        className="inline-flex h-9 items-center rounded-md border border-zinc-300 bg-white p-0.5 shadow-sm"
      >
        {items.map((it) => (
          <Link
            key={it.href}
            href={it.href}
            scroll={false}
            aria-current={it.current ? "true" : undefined}
            title={it.title}
            className={cn(
              "flex h-full items-center rounded px-3 text-sm font-medium transition-colors",
              "focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-zinc-900",
              it.current
                ? it.tone === "test"
                  ? "bg-amber-100 text-amber-900"
                  : "bg-zinc-900 text-white"
                : "text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900",
            )}
          >
            {it.label}
          </Link>
        ))}
      </div>
    </div>
  );
}
