import type { ReactNode } from "react";
import { formatTimestamp } from "@/components/ui/date-time";
import type { RequestView } from "@/lib/usage/key-page";
import { statusMeaning } from "@/lib/usage/request-status";
import { formatInteger, formatUsd } from "./format";

// One request's record in full, opened from its row. Usage events hold no key of any kind and no
// message text, so nothing secret can show here; the status is explained in words instead.

const localTime = (iso: string) =>
  new Date(iso).toLocaleString(undefined, {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    timeZoneName: "short",
  });

/** `wide` spans both columns of a phone's grid and two of a desktop's four; "phone" only the former. */
function Field({ label, wide = false, children }: { label: string; wide?: boolean | "phone"; children: ReactNode }) {
  const span = wide === "phone" ? "col-span-2 lg:col-span-1" : wide ? "col-span-2" : "";
  return (
    <div className={`min-w-0 ${span}`}>
      <dt className="text-xs text-zinc-600">{label}</dt>
      <dd className="mt-0.5 text-sm font-medium break-words text-zinc-900">{children}</dd>
    </div>
  );
}

const yesNo = (v: boolean, yes: string) => (v ? `Yes: ${yes}` : "No");

export function RequestDetails({ request: r }: { request: RequestView }) {
  const meaning = statusMeaning(r.status, r.refused);
  return (
    // Sticky: on a phone the table scrolls sideways, and the details stay in view at its left.
    <div className="sticky left-0 max-w-[calc(100vw-2.5rem)] px-4 py-4 whitespace-normal sm:max-w-none">
      <h3 className="text-sm font-semibold text-zinc-900">Request details</h3>
      <dl className="mt-3 grid grid-cols-2 gap-x-6 gap-y-3 lg:grid-cols-4">
        <Field label="Time (UTC)">
          <time dateTime={r.ts}>{formatTimestamp(r.ts)}</time>
        </Field>
        <Field label="Your local time" wide="phone">
          {localTime(r.ts)}
        </Field>
        <Field label="Provider">{r.provider}</Field>
        <Field label="Model">{r.model}</Field>
        <Field label="Endpoint" wide>
          <code className="font-mono text-[13px] break-all">{r.endpoint}</code>
        </Field>
        <Field label="HTTP status" wide>
          {r.status} {meaning.label}
          <span className="block font-normal text-zinc-700">{meaning.detail}</span>
        </Field>
        <Field label="Time to first byte">
          {r.ttfbMs !== null ? `${formatInteger(r.ttfbMs)} ms` : r.refused ? "None: the gateway answered itself" : "None"}
        </Field>
        <Field label="Total latency">{formatInteger(r.latencyMs)} ms</Field>
        <Field label="Input tokens">{formatInteger(r.inputTokens)}</Field>
        <Field label="Output tokens">{formatInteger(r.outputTokens)}</Field>
        <Field label="Cached input tokens">{formatInteger(r.cachedInputTokens)}</Field>
        <Field label="Cost">{r.costUsd === null ? "Unknown: the model is not in the pricing table" : formatUsd(r.costUsd)}</Field>
        <Field label="Streamed">{yesNo(r.streamed, "server-sent events")}</Field>
        <Field label="Aborted">{yesNo(r.aborted, "the response ended early")}</Field>
      </dl>
    </div>
  );
}
