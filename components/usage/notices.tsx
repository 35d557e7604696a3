import type { ReactNode } from "react";
import type { Anomaly } from "@/lib/usage/anomaly";
import { formatInteger, formatPercent, plural } from "./format";

function WarningIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="mt-0.5 size-5 shrink-0" fill="none" stroke="currentColor" strokeWidth="1.5">
      <path d="M10 3.5l7 12.5H3L10 3.5z" strokeLinejoin="round" />
      <path d="M10 8.5v3.5M10 14.2v.1" strokeLinecap="round" />
    </svg>
  );
}

function Notice({ tone, role, title, children }: { tone: "amber" | "red"; role: "note" | "alert"; title: string; children: ReactNode }) {
  const colours = tone === "red" ? "border-red-200 bg-red-50 text-red-900" : "border-amber-200 bg-amber-50 text-amber-900";
  return (
    <div role={role} className={`flex gap-3 rounded-lg border px-4 py-3 text-sm ${colours}`}>
      <WarningIcon />
      <div className="min-w-0 space-y-1">
        <p className="font-semibold">{title}</p>
        {children}
      </div>
    </div>
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
