import { formatMonthDay } from "@/components/usage/notices";
import { formatInteger, formatUsd } from "@/components/usage/format";
import type { KeyLimitState } from "@/lib/usage/key-state";

// A key's spend this month against its budget, and the gateway's refusals of it, for its policy card.

/** From this share of the budget on, the meter turns amber: the key is about to be refused. */
export const BUDGET_WARNING = 0.8;

export function BudgetMeter({ state }: { state: KeyLimitState }) {
  const { spentUsd, budgetUsd, budgetReached } = state;
  const resets = formatMonthDay(state.resetsAt.toISOString());
  if (budgetUsd === null) {
    return <span className="block text-sm font-normal text-zinc-600">{formatUsd(spentUsd)} spent this month</span>;
  }
  // A budget stored as $0 (below the column's precision) is spent from the start.
  const share = budgetUsd > 0 ? Math.min(1, spentUsd / budgetUsd) : 1;
  const near = !budgetReached && share >= BUDGET_WARNING;
  const fill = budgetReached ? "bg-red-600" : near ? "bg-amber-500" : "bg-emerald-600";
  const text = budgetReached ? "text-red-700" : near ? "text-amber-800" : "text-zinc-600";
  const words = `${formatUsd(spentUsd)} of ${formatUsd(budgetUsd)} this month`;
  return (
    <span className="mt-1 block font-normal">
      <span className={`block text-sm ${text}`}>
        {words} · resets {resets}
        {budgetReached && <span className="font-medium"> · reached</span>}
      </span>
      <span
        role="progressbar"
        aria-label="Monthly budget used"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(share * 100)}
        aria-valuetext={`${words}${budgetReached ? ", budget reached" : ""}`}
        className="mt-1.5 block h-1.5 w-full max-w-48 overflow-hidden rounded-full bg-zinc-200"
      >
        <span className={`block h-full rounded-full ${fill}`} style={{ width: `${share * 100}%` }} />
      </span>
    </span>
  );
}

export function RefusalCounts({ state }: { state: KeyLimitState }) {
  const { rateLimit, budget, allowList } = state.refusals;
  const items = [
    ["Rate-limited", rateLimit],
    ["over budget", budget],
    ["blocked by allow-list", allowList],
  ] as const;
  return (
    <span className="block font-normal text-zinc-700">
      {items.map(([label, n], i) => (
        <span key={label}>
          {i > 0 && ", "}
          {label}: <span className={n > 0 ? "font-semibold text-zinc-900" : undefined}>{formatInteger(n)}</span>
        </span>
      ))}
    </span>
  );
}
