import type { HTMLAttributes, TdHTMLAttributes, ThHTMLAttributes } from "react";
import { cn } from "./cn";
import { ScrollRegion } from "./scroll-region";

/**
 * A bordered table that scrolls sideways inside its own box on narrow screens,
 * so the page itself never overflows; while it scrolls, keyboard users can focus and scroll it.
 */
export function Table({ className, ...props }: HTMLAttributes<HTMLTableElement>) {
  return (
    // relative: absolutely positioned children (sr-only labels) must be clipped by this box too,
    // or they stretch the page sideways.
    <ScrollRegion className="relative overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-zinc-900">
      <table className={cn("w-full border-collapse text-left text-sm", className)} {...props} />
    </ScrollRegion>
  );
}

export function THead({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <thead className={cn("border-b border-zinc-200 bg-zinc-50/80", className)} {...props} />;
}

export function TBody({ className, ...props }: HTMLAttributes<HTMLTableSectionElement>) {
  return <tbody className={cn("divide-y divide-zinc-100", className)} {...props} />;
}

/** Body rows have a fixed height so the loading skeleton can match them exactly. */
export function TR({ className, ...props }: HTMLAttributes<HTMLTableRowElement>) {
  return <tr className={cn("h-14", className)} {...props} />;
}

export function TH({ className, ...props }: ThHTMLAttributes<HTMLTableCellElement>) {
  return (
    <th
      scope="col"
      className={cn("h-10 px-4 text-xs font-medium tracking-wide whitespace-nowrap text-zinc-500 uppercase", className)}
      {...props}
    />
  );
}

export function TD({ className, ...props }: TdHTMLAttributes<HTMLTableCellElement>) {
  return <td className={cn("px-4 whitespace-nowrap text-zinc-700", className)} {...props} />;
}
