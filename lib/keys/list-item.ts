import type { KeyListRow } from "./list-view";
import type { KeyStatus, KeyView } from "./views";

// What the keys list sends the browser for one row: the fields its cells and its actions show,
// nothing else. Each row's props travel in the page's RSC payload, so a field left at its
// usual value (no policy, never used, not rolled) is left out rather than sent as null.

/** A key's policy as the Edit policy dialog starts from it. */
export interface KeyPolicy {
  permissions: readonly string[];
  limits: KeyView["limits"];
  allowed_providers: readonly string[] | null;
  allowed_models: readonly string[] | null;
}

export interface KeyListItem {
  id: string;
  name: string;
  prefix: string;
  environment: KeyView["environment"];
  status: KeyStatus;
  created_at: string;
  last_used_at?: string;
  expires_at?: string;
  replaced_by?: string;
  /** This month's spend in dollars (UTC); 0 is left out. */
  cost?: number;
  /** Another listed key has the same name: the prefix is shown next to it. */
  nameCollides?: true;
  successor?: { id: string; prefix: string };
  /** Last 7 days, only when the key made requests. */
  usage?: { requests: number; tokens: number; perDay: number[] };
  /** The budget is spent: calls get 402 until this instant. */
  budgetResetsAt?: string;
  /** Calls refused with 429 by the key's rate limits in the last 24 hours, when any. */
  rateLimited?: number;
  /** Only the parts that differ from a new key's policy (proxy only, no limits, every provider and model). */
  policy?: Partial<KeyPolicy>;
}

const DEFAULT_PERMISSIONS = ["proxy"];

/** The policy parts of a key that differ from a new key's, or undefined when none does. */
function policyDiff(key: KeyView): Partial<KeyPolicy> | undefined {
  const out: Partial<KeyPolicy> = {};
  if (key.permissions.join() !== DEFAULT_PERMISSIONS.join()) out.permissions = key.permissions;
  if (Object.values(key.limits).some((v) => v !== null)) out.limits = key.limits;
  if (key.allowed_providers !== null) out.allowed_providers = key.allowed_providers;
  if (key.allowed_models !== null) out.allowed_models = key.allowed_models;
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The whole policy of a list item, its left-out parts filled back in. */
export function itemPolicy(item: Pick<KeyListItem, "policy">): KeyPolicy {
  return {
    permissions: item.policy?.permissions ?? DEFAULT_PERMISSIONS,
    limits: item.policy?.limits ?? { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
    allowed_providers: item.policy?.allowed_providers ?? null,
    allowed_models: item.policy?.allowed_models ?? null,
  };
}

export function toListItem(row: KeyListRow): KeyListItem {
  const { key, usage, limit } = row;
  const item: KeyListItem = {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    environment: key.environment,
    status: key.status,
    created_at: key.created_at,
  };
  // Assigned one by one so an absent field is absent, not `undefined` (which is sent as "$undefined").
  if (key.last_used_at) item.last_used_at = key.last_used_at;
  if (key.expires_at) item.expires_at = key.expires_at;
  if (key.replaced_by) item.replaced_by = key.replaced_by;
  if (row.costUsd !== 0) item.cost = row.costUsd;
  if (row.nameCollides) item.nameCollides = true;
  if (row.successor) item.successor = row.successor;
  if (usage && usage.requests > 0) item.usage = { requests: usage.requests, tokens: usage.tokens, perDay: usage.perDay };
  if (key.status === "active" && limit?.budgetReached) item.budgetResetsAt = limit.resetsAt.toISOString();
  if (limit && limit.refusals.rateLimit > 0) item.rateLimited = limit.refusals.rateLimit;
  const policy = policyDiff(key);
  if (policy) item.policy = policy;
  return item;
}

/** What a key dialog (rename, policy, roll, disable, enable, revoke) needs of its key: a list row or a key page's whole view. */
export type KeyTarget = Pick<KeyView, "id" | "name" | "prefix" | "status" | "replaced_by" | "expires_at"> & KeyPolicy;

/** A row's dialog target, built when an action is picked rather than sent with every row. */
export function itemTarget(item: KeyListItem): KeyTarget {
  return {
    id: item.id,
    name: item.name,
    prefix: item.prefix,
    status: item.status,
    replaced_by: item.replaced_by ?? null,
    expires_at: item.expires_at ?? null,
    ...itemPolicy(item),
  };
}
