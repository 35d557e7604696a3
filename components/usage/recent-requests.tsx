"use client";

import { Fragment, useState } from "react";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatTimestamp } from "@/components/ui/date-time";
import { TBody, TD, TH, THead, Table } from "@/components/ui/table";
import type { RequestView } from "@/lib/usage/key-page";
import { RequestDetails } from "./request-details";
import { CostValue } from "./cost-cell";
import { formatInteger } from "./format";

const statusTone = (status: number): BadgeTone => (status >= 500 ? "danger" : status >= 400 ? "warning" : "success");
const COLUMNS = 7;

function Chevron({ open }: { open: boolean }) {
  return (
    <svg
      aria-hidden="true"
      viewBox="0 0 16 16"
      className={`size-4 shrink-0 text-zinc-500 transition-transform ${open ? "rotate-90" : ""}`}
      fill="none"
      stroke="currentColor"
      strokeWidth="1.5"
    >
      <path d="M6 4l4 4-4 4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** A key's requests, newest first, as the gateway recorded them; each row opens its details. */
export function RecentRequestsTable({ requests }: { requests: RequestView[] }) {
  const [open, setOpen] = useState<ReadonlySet<number>>(() => new Set());
  const toggle = (id: number) =>
    setOpen((prev) => {
      const next = new Set(prev);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <Table className="sm:min-w-[48rem]">
      <caption className="sr-only">Recent requests, newest first</caption>
      <THead>
        <tr>
          <TH>Time (UTC)</TH>
          <TH>Model</TH>
          <TH>Status</TH>
          <TH className="text-right">Input tokens</TH>
          <TH className="text-right">Output tokens</TH>
          <TH className="text-right">Latency</TH>
          <TH className="hidden text-right md:table-cell">Cost</TH>
        </tr>
      </THead>
      <TBody>
        {requests.map((r) => {
          const stamp = formatTimestamp(r.ts);
          const isOpen = open.has(r.id);
          const panelId = `request-${r.id}-details`;
          return (
            <Fragment key={r.id}>
              {/* Shorter than the shared TR's rows: twenty of them should not push the page far down. */}
              <tr data-request-row="" className={isOpen ? "h-12 bg-zinc-50" : "h-12"}>
                <TD className="tabular-nums">
                  <button
                    type="button"
                    aria-expanded={isOpen}
                    aria-controls={isOpen ? panelId : undefined}
                    onClick={() => toggle(r.id)}
                    className="-mx-1 inline-flex items-center gap-1 rounded px-1 py-1 font-medium text-zinc-900 hover:bg-zinc-100 focus-visible:outline-2 focus-visible:outline-zinc-900"
                  >
                    <Chevron open={isOpen} />
                    <span className="sr-only">Details of the request at </span>
                    <time dateTime={r.ts}>{stamp.replace(" UTC", "")}</time>
                    <span className="sr-only"> UTC</span>
                  </button>
                </TD>
                <TD className="max-w-[14rem]">
                  <div className="truncate font-medium text-zinc-900" title={r.model}>
                    {r.model}
                  </div>
                  <div className="truncate text-xs text-zinc-500" title={r.endpoint}>
                    {r.provider} · {r.endpoint}
                  </div>
                </TD>
                <TD>
                  <span className="flex items-center gap-1.5">
                    <Badge tone={statusTone(r.status)}>{r.status}</Badge>
                    {r.refused && (
                      <Badge tone="neutral" title="Refused by the gateway under this key's policy">
                        refused
                      </Badge>
                    )}
                    {r.streamed && (
                      <Badge tone="info" title="Streamed response (server-sent events)">
                        stream
                      </Badge>
                    )}
                    {r.aborted && (
                      <Badge tone="neutral" title="The response ended early: the client went away or the provider cut it off">
                        aborted
                      </Badge>
                    )}
                  </span>
                </TD>
                <TD className="text-right tabular-nums">{formatInteger(r.inputTokens)}</TD>
                <TD className="text-right tabular-nums">{formatInteger(r.outputTokens)}</TD>
                <TD className="text-right tabular-nums">{formatInteger(r.latencyMs)} ms</TD>
                <TD className="hidden text-right tabular-nums md:table-cell">
                  <CostValue costUsd={r.costUsd ?? 0} requests={1} unpricedRequests={r.costUsd === null ? 1 : 0} />
                </TD>
              </tr>
              {/* Rendered only when open: the local time is the browser's, never the server's. */}
              {isOpen && (
                <tr id={panelId} className="bg-zinc-50">
                  <td colSpan={COLUMNS} className="p-0">
                    <RequestDetails request={r} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </TBody>
    </Table>
  );
}
