import Form from "next/form";
import { buttonClasses } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import type { DashboardParams } from "@/lib/usage/dashboard-url";
import { MIN_DAY } from "@/lib/usage/query";

/**
 * From and To as UTC days, applied by a plain GET form: the dates land in the URL beside the other
 * filters (hidden fields), and the page renders on the server as for any link.
 */
export function DateRangeForm({
  params,
  shown,
  today,
  error,
  attempted,
}: {
  params: DashboardParams;
  /** The days the page shows now, to start from. */
  shown: { from: string; to: string };
  today: string;
  error: string | null;
  /** The refused dates, shown again so they can be corrected. */
  attempted: { from: string; to: string } | null;
}) {
  const values = attempted ?? shown;
  const keep: [string, string | null | undefined][] = [
    ["key", params.keyId],
    ["env", params.env === "test" ? "test" : null],
    ["provider", params.provider],
    ["model", params.provider ? params.model : null],
  ];
  return (
    <Form action="/dashboard" scroll={false} aria-label="Custom date range" className="flex flex-wrap items-end gap-x-3 gap-y-2">
      <div className="w-[calc(50%-0.375rem)] space-y-1 sm:w-40">
        <label htmlFor="range-from" className="block text-xs font-medium text-zinc-500">
          From (UTC)
        </label>
        <Input
          id="range-from"
          type="date"
          name="from"
          required
          min={MIN_DAY}
          max={today}
          defaultValue={values.from}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "range-error" : undefined}
        />
      </div>
      <div className="w-[calc(50%-0.375rem)] space-y-1 sm:w-40">
        <label htmlFor="range-to" className="block text-xs font-medium text-zinc-500">
          To (UTC)
        </label>
        <Input
          id="range-to"
          type="date"
          name="to"
          required
          min={MIN_DAY}
          max={today}
          defaultValue={values.to}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? "range-error" : undefined}
        />
      </div>
      {/* After the dates, so the URL reads in the same order as the page's own links. */}
      {keep.map(([name, value]) => (value ? <input key={name} type="hidden" name={name} value={value} /> : null))}
      <button type="submit" className={buttonClasses({ variant: "secondary" })}>
        Apply
      </button>
      {error && (
        <p id="range-error" role="alert" className="w-full text-sm text-red-700">
          {error}
        </p>
      )}
    </Form>
  );
}
