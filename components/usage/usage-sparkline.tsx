import { formatInteger } from "./format";

/**
 * Seven tiny bars, one per day, in plain HTML: no chart library for a table cell.
 * Decorative for screen readers; the numbers next to it say the same.
 */
export function UsageSparkline({ values, labels }: { values: number[]; labels?: string[] }) {
  const max = Math.max(...values, 0);
  return (
    <span aria-hidden="true" className="flex h-5 w-[3.25rem] shrink-0 items-end gap-[2px]" data-sparkline="">
      {values.map((v, i) => (
        <span
          key={i}
          title={labels ? `${labels[i]}: ${formatInteger(v)} requests` : undefined}
          className={v > 0 ? "w-1.5 rounded-[1px] bg-zinc-700" : "w-1.5 rounded-[1px] bg-zinc-200"}
          // A day with any traffic gets at least a visible sliver; an empty day a flat line.
          style={{ height: v > 0 ? `${Math.max(15, (v / max) * 100)}%` : "2px" }}
        />
      ))}
    </span>
  );
}
