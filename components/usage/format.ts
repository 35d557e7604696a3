// Numbers are formatted with a fixed locale, so the server's and the browser's text match.

const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });

export const formatInteger = (n: number) => integer.format(n);

/** 950, 12.3K, 4.5M: for axes and tight cells. */
export const formatCompact = (n: number) => (Math.abs(n) < 1000 ? integer.format(n) : compact.format(n));

/** Dollars with cents; amounts under a cent keep two significant digits, never a misleading $0.00. */
export function formatUsd(n: number): string {
  if (n === 0) return "$0.00";
  if (Math.abs(n) >= 0.01) {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency: "USD",
      minimumFractionDigits: 2,
      maximumFractionDigits: 2,
    }).format(n);
  }
  return `$${n.toLocaleString("en-US", { maximumSignificantDigits: 2, maximumFractionDigits: 8 })}`;
}

/** Axis ticks: short, no cents noise. */
export function formatUsdTick(n: number): string {
  if (n === 0) return "$0";
  if (Math.abs(n) >= 1000) return `$${compact.format(n)}`;
  if (Math.abs(n) >= 1) return `$${n.toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
  return `$${n.toLocaleString("en-US", { maximumSignificantDigits: 2, maximumFractionDigits: 8 })}`;
}

export function formatPercent(rate: number): string {
  if (rate === 0) return "0%";
  const pct = rate * 100;
  return `${pct.toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;
}

export const plural = (n: number, one: string, many = `${one}s`) => `${formatInteger(n)} ${n === 1 ? one : many}`;

/** A total cost for a headline: "Unknown" when no request had a price, never $0. */
export function costHeadline(t: { costUsd: number; requests: number; unpricedRequests: number }): string {
  return t.unpricedRequests > 0 && t.unpricedRequests >= t.requests ? "Unknown" : formatUsd(t.costUsd);
}

const MAX_COST_DECIMALS = 6;

/**
 * One precision for a whole column of costs, so the decimal points line up: cents when every
 * non-zero amount is a cent or more, else two significant digits of the smallest, at most 6
 * decimals. An amount that would round to zero reads "<$0.000001", never "$0.000000".
 */
export function costColumn(values: readonly number[]): { decimals: number; format: (n: number) => string } {
  const smallest = values.reduce((min, v) => (v !== 0 && Math.abs(v) < min ? Math.abs(v) : min), Number.POSITIVE_INFINITY);
  const decimals = smallest >= 0.01 ? 2 : Math.min(MAX_COST_DECIMALS, 1 - Math.floor(Math.log10(smallest)));
  const usd = new Intl.NumberFormat("en-US", {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: decimals,
    maximumFractionDigits: decimals,
  });
  const step = 10 ** -decimals;
  return {
    decimals,
    format: (n) => (n !== 0 && Math.abs(n) < step / 2 ? `${n < 0 ? "-" : ""}<${usd.format(step)}` : usd.format(n === 0 ? 0 : n)),
  };
}
