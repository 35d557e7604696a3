import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { DateTime } from "@/components/ui/date-time";
import type { KeyView } from "@/lib/keys/service";
import type { KeyLimitState } from "@/lib/usage/key-state";
import { BudgetMeter, RefusalCounts } from "./budget-meter";
import { EditPolicyButton } from "./key-page-actions";
import { formatBudget, formatLimit, formatRelative, providerName, PERMISSION_LABELS, type ProviderOption } from "./policy-format";

// A key's policy at a glance, on its page. Server-rendered; the Edit button opens the dialog.

export function PolicyCard({
  keyView,
  providers,
  limitState = null,
}: {
  keyView: KeyView;
  providers: readonly ProviderOption[];
  /** Spend against budget and the gateway's refusals, when known. */
  limitState?: KeyLimitState | null;
}) {
  const { limits, allowed_providers, allowed_models, expires_at, permissions } = keyView;
  // A revoked key cannot change; a rolled key's policy lives on in its successor.
  const editable = keyView.status !== "revoked" && keyView.replaced_by === null;
  const none = (text: string) => <span className="font-normal text-zinc-500">{text}</span>;

  return (
    <Card>
      <CardHeader
        titleId="policy-title"
        title="Policy"
        description={
          editable
            ? "What this key may call and how much. Checked on every request."
            : keyView.replaced_by
              ? "Carried over to the new key; change it there."
              : "This key is revoked; its policy no longer changes."
        }
        action={editable ? <EditPolicyButton keyView={keyView} /> : undefined}
      />
      <dl aria-labelledby="policy-title" className="grid gap-x-6 gap-y-4 px-5 py-4 sm:grid-cols-2 lg:grid-cols-4">
        <Item label="Requests per minute">
          {limits.requests_per_minute == null ? none("No limit") : formatLimit(limits.requests_per_minute)}
        </Item>
        <Item label="Tokens per minute">{limits.tokens_per_minute == null ? none("No limit") : formatLimit(limits.tokens_per_minute)}</Item>
        <Item label="Monthly budget">
          {limits.monthly_budget_usd == null ? none("No limit") : formatBudget(limits.monthly_budget_usd)}
          {limitState && <BudgetMeter state={limitState} />}
        </Item>
        <Item label="Expires">
          {expires_at ? (
            <>
              <DateTime iso={expires_at} withTime /> <span className="font-normal text-zinc-500">({formatRelative(expires_at)})</span>
            </>
          ) : (
            none("Never")
          )}
        </Item>
        <Item label="Allowed providers">
          {allowed_providers ? allowed_providers.map((id) => providerName(id, providers)).join(", ") : none("All providers")}
        </Item>
        <Item label="Allowed models">
          {allowed_models ? (
            <span className="flex flex-wrap gap-1.5">
              {allowed_models.map((m) => (
                <code key={m} className="rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-[12px] font-normal break-all text-zinc-800">
                  {m}
                </code>
              ))}
            </span>
          ) : (
            none("All models")
          )}
        </Item>
        <Item label="Permissions" wide>
          <ul className="space-y-0.5">
            {permissions.map((p) => (
              <li key={p} className="font-normal text-zinc-700">
                <code className="font-mono text-[12px] text-zinc-900">{p}</code>
                {PERMISSION_LABELS[p] ? <span className="text-zinc-500"> · {PERMISSION_LABELS[p]}</span> : null}
              </li>
            ))}
          </ul>
        </Item>
        {limitState && (
          <Item label="Refused by the gateway in the last 24 hours" wide>
            <RefusalCounts state={limitState} />
          </Item>
        )}
      </dl>
    </Card>
  );
}

function Item({ label, wide = false, children }: { label: string; wide?: boolean; children: ReactNode }) {
  return (
    <div className={wide ? "min-w-0 sm:col-span-2" : "min-w-0"}>
      <dt className="text-sm text-zinc-500">{label}</dt>
      <dd className="mt-1 text-sm font-medium break-words text-zinc-900">{children}</dd>
    </div>
  );
}
