import type { ReactNode } from "react";
import type { Anomaly } from "@/lib/usage/anomaly";
import { formatDate } from "@/components/ui/date-time";
import { formatInteger, formatPercent, formatUsd, plural } from "./format";

function WarningIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="mt-0.5 size-5 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M10 3.5l7 12.5H3L10 3.5z" strokeLinejoin="round" />
      <path d="M10 8.5v3.5M10 14.2v.1" strokeLinecap="round" />
    </svg>
  );
}

function Notice({
  tone,
  role,
  title,
  action,
  children,
}: {
  tone: "amber" | "red";
  role: "note" | "alert";
  title: string;
  action?: ReactNode;
  children: ReactNode;
}) {
  const colours = tone === "red" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900";
  return (
    <div role={role} className={`flex flex-wrap gap-3 rounded-lg border px-4 py-3 text-sm ${colours}`}>
      <div className="flex min-w-0 flex-1 basis-64 gap-3">
        <WarningIcon />
        <div className="min-w-0 space-y-1">
          <p className="font-semibold">{title}</p>
          {children}
        </div>
      </div>
      {action && <div className="flex items-center">{action}</div>}
    </div>
  );
}

/** "Jan 1": a reset date, always within the next month, needs no year. */
export const formatMonthDay = (iso: string) => formatDate(iso).replace(/, \d{4}$/, "");

/**
 * The key's monthly budget is spent: the gateway answers every call with 402 until the month
 * ends. `action` is the page's Edit policy button (absent for read-only members).
 */
export function BudgetReachedNotice({
  spentUsd,
  budgetUsd,
  resetsAt,
  action,
}: {
  spentUsd: number;
  budgetUsd: number;
  resetsAt: string;
  action?: ReactNode;
}) {
  return (
    <Notice tone="red" role="alert" title="Budget reached" action={action}>
      <p>Every call gets 402 until {formatMonthDay(resetsAt)} (UTC). Raise the budget to resume.</p>
      <p>
        {formatUsd(spentUsd)} of {formatUsd(budgetUsd)} spent this month.
      </p>
    </Notice>
  );
}

/** Requests to models missing from the pricing table: their tokens count, their cost is unknown, never $0. */
export function UnpricedNotice({ requests, models }: { requests: number; models: string[] }) {
  if (requests === 0) return null;
  return (
    <Notice tone="amber" role="note" title={`Cost unknown for ${plural(requests, "request")}`}>
      <p>
        No price is known for{" "}
        {models.map((m, i) => (
          <span key={m}>
            {i > 0 && ", "}
            <code className="font-mono text-[13px] break-all">{m}</code>
          </span>
        ))}
        . Their tokens are counted, but the cost shown leaves them out. Add these models to a pricing file (
        <code className="font-mono text-[13px]">PRICING_FILE</code>) to price future requests.
      </p>
    </Notice>
  );
}

export const ANOMALY_ADVICE = "Review recent usage for suspicious activity";

/** A key's last hour ran far above its usual rate, or its error rate jumped. */
export function AnomalyNotice({ anomalies }: { anomalies: Anomaly[] }) {
  if (anomalies.length === 0) return null;
  return (
    <Notice tone="red" role="alert" title="Unusual activity on this key">
      <ul className="list-disc space-y-0.5 pl-4">
        {anomalies.map((a) =>
          a.kind === "traffic" ? (
            <li key="traffic">
              {plural(a.lastHour, "request")} in the last hour,{" "}
              {a.usualPerHour < 1
                ? "where this key usually sees fewer than one an hour."
                : `against about ${formatInteger(Math.round(a.usualPerHour))} an hour usually.`}
            </li>
          ) : (
            <li key="errors">
              {formatPercent(a.lastHourRate)} of requests failed in the last hour ({plural(a.errors, "error")}), against{" "}
              {formatPercent(a.usualRate)} usually.
            </li>
          ),
        )}
      </ul>
      <p>{ANOMALY_ADVICE}: check the recent requests below, and if this key may have leaked, revoke it and create a new one.</p>
    </Notice>
  );
}
