import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { DateTime, formatDate } from "@/components/ui/date-time";
import type { serializeAuditEvent } from "@/lib/keys/service";
import { formatBudget, formatExpiry, formatLimit, formatModels, formatProviders, type ProviderOption } from "./policy-format";

// The key's audit log in words: what changed, when, by whom and from which address.
// Server-rendered from the same events GET /api/audit returns.

export type AuditView = ReturnType<typeof serializeAuditEvent>;

type Change = { from: unknown; to: unknown };
type Limits = { requests_per_minute?: number | null; tokens_per_minute?: number | null; monthly_budget_usd?: number | null };

const FIELD_NAMES: Record<string, string> = {
  name: "name",
  permissions: "permissions",
  limits: "limits",
  allowed_providers: "allowed providers",
  allowed_models: "allowed models",
  expires_at: "expiry",
};

const LIMIT_LINES = [
  ["requests_per_minute", "Requests per minute", formatLimit],
  ["tokens_per_minute", "Tokens per minute", formatLimit],
  ["monthly_budget_usd", "Monthly budget", formatBudget],
] as const;

const asList = (v: unknown) => (Array.isArray(v) ? v.map(String) : null);
const asLimits = (v: unknown): Limits => (v && typeof v === "object" ? (v as Limits) : {});
const asString = (v: unknown) => (typeof v === "string" ? v : null);

function joinWords(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

function KeyLink({ id }: { id: string }) {
  return (
    <Link
      href={`/dashboard/keys/${id}`}
      className="rounded font-mono text-[13px] text-zinc-900 underline underline-offset-4 hover:text-zinc-600 focus-visible:outline-2 focus-visible:outline-zinc-900"
    >
      {id}
    </Link>
  );
}

/** "Requests per minute: 60 → 120", one line per field that changed. */
function changeLines(details: Record<string, unknown>, providers: readonly ProviderOption[]): string[] {
  const lines: string[] = [];
  for (const [field, raw] of Object.entries(details)) {
    const { from, to } = (raw ?? {}) as Change;
    switch (field) {
      case "name":
        lines.push(`Name: “${String(from)}” → “${String(to)}”`);
        break;
      case "limits": {
        const a = asLimits(from);
        const b = asLimits(to);
        for (const [k, label, fmt] of LIMIT_LINES) {
          if ((a[k] ?? null) !== (b[k] ?? null)) lines.push(`${label}: ${fmt(a[k])} → ${fmt(b[k])}`);
        }
        break;
      }
      case "allowed_providers":
        lines.push(`Allowed providers: ${formatProviders(asList(from), providers)} → ${formatProviders(asList(to), providers)}`);
        break;
      case "allowed_models":
        lines.push(`Allowed models: ${formatModels(asList(from))} → ${formatModels(asList(to))}`);
        break;
      case "expires_at":
        lines.push(`Expiry: ${formatExpiry(asString(from))} → ${formatExpiry(asString(to))}`);
        break;
      case "permissions":
        lines.push(`Permissions: ${asList(from)?.join(", ") ?? "–"} → ${asList(to)?.join(", ") ?? "–"}`);
        break;
    }
  }
  return lines;
}

/** The policy a key was created with, only what differs from "anything goes". */
function createLines(details: Record<string, unknown>, providers: readonly ProviderOption[]): string[] {
  const lines: string[] = [];
  const limits = asLimits(details.limits);
  for (const [k, label, fmt] of LIMIT_LINES) if (limits[k] != null) lines.push(`${label}: ${fmt(limits[k])}`);
  const allowedProviders = asList(details.allowed_providers);
  if (allowedProviders) lines.push(`Allowed providers: ${formatProviders(allowedProviders, providers)}`);
  const allowedModels = asList(details.allowed_models);
  if (allowedModels) lines.push(`Allowed models: ${formatModels(allowedModels)}`);
  const expires = asString(details.expires_at);
  if (expires) lines.push(`Expires: ${formatExpiry(expires)}`);
  const permissions = asList(details.permissions);
  if (permissions) lines.push(`Permissions: ${permissions.join(", ")}`);
  return lines;
}

function describe(e: AuditView, providers: readonly ProviderOption[]): { what: ReactNode; lines: string[] } {
  const d = (e.details ?? {}) as Record<string, unknown>;
  switch (e.action) {
    case "key.create": {
      const from = asString(d.rolled_from);
      return from
        ? {
            what: (
              <>
                Created by rolling <KeyLink id={from} />
              </>
            ),
            lines: [],
          }
        : { what: "Created", lines: createLines(d, providers) };
    }
    case "key.rename": {
      const { from, to } = (d.name ?? {}) as Change;
      return { what: `Renamed from “${String(from)}” to “${String(to)}”`, lines: [] };
    }
    case "key.update": {
      const fields = Object.keys(d).map((f) => FIELD_NAMES[f] ?? f);
      return { what: `Changed ${joinWords(fields)}`, lines: changeLines(d, providers) };
    }
    case "key.revoke":
      return { what: "Revoked", lines: [] };
    case "key.roll": {
      const successor = asString(d.successor);
      const until = asString(d.expires_at);
      const grace = typeof d.grace_seconds === "number" ? d.grace_seconds : null;
      return {
        what: (
          <>
            Rolled to {successor ? <KeyLink id={successor} /> : "a new key"}{" "}
            <span className="font-normal text-zinc-600">
              {grace === 0 || !until ? "(old key stopped at once)" : `(old key works until ${formatDate(until, { withTime: true })})`}
            </span>
          </>
        ),
        lines: [],
      };
    }
    default:
      return { what: e.action, lines: [] };
  }
}

export function KeyActivity({ events, providers, limit }: { events: AuditView[]; providers: readonly ProviderOption[]; limit: number }) {
  return (
    <Card>
      <CardHeader
        titleId="activity-title"
        title="Activity"
        description="Every create, rename, policy change, roll and revoke of this key: when, who and from which address. Newest first."
      />
      {events.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-500">No changes recorded for this key.</p>
      ) : (
        <ol aria-labelledby="activity-title" className="divide-y divide-zinc-100">
          {events.map((e) => {
            const { what, lines } = describe(e, providers);
            return (
              <li key={e.id} className="px-5 py-3">
                <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                  <p className="min-w-0 text-sm font-medium break-words text-zinc-900">{what}</p>
                  <p className="shrink-0 text-xs text-zinc-500">
                    <DateTime iso={e.created_at} withTime />
                  </p>
                </div>
                {lines.length > 0 && (
                  <ul className="mt-1 space-y-0.5 text-sm break-words text-zinc-600">
                    {lines.map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                )}
                <p className="mt-1 text-xs break-all text-zinc-500">
                  By <span className="font-medium text-zinc-700">{e.actor_id}</span>
                  {" · "}
                  {e.ip ? (
                    <>
                      from <code className="font-mono text-zinc-700">{e.ip}</code>
                    </>
                  ) : (
                    "address not recorded"
                  )}
                </p>
              </li>
            );
          })}
        </ol>
      )}
      {events.length === limit && (
        <p className="border-t border-zinc-100 px-5 py-3 text-sm text-zinc-500">
          Showing the latest {limit}. <code className="font-mono text-[13px] text-zinc-700">GET /api/audit</code> pages through the rest.
        </p>
      )}
    </Card>
  );
}
