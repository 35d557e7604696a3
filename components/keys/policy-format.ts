import { formatDate } from "@/components/ui/date-time";
import { formatInteger, formatUsd } from "@/components/usage/format";

// Plain-text formatting for a key's policy, shared by the server-rendered key page, the
// keys table and the client dialogs. No locale or time-zone dependence, like date-time.tsx.

export interface ProviderOption {
  id: string;
  name: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "in 24 h", "in 5 min", "in 30 days", "3 h ago", "just now". */
export function formatRelative(iso: string, now = Date.now()): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const say = (text: string) => (diff >= 0 ? `in ${text}` : `${text} ago`);
  if (abs < MINUTE) return diff >= 0 ? "in under a minute" : "just now";
  const minutes = Math.round(abs / MINUTE);
  if (minutes < 60) return say(`${minutes} min`);
  const hours = Math.round(abs / HOUR);
  if (hours < 48) return say(`${hours} h`);
  const days = Math.round(abs / DAY);
  return say(`${days} days`);
}

/** Within this window an expiry is news: the keys table shows it in amber. */
export const EXPIRY_WARNING_MS = 7 * DAY;

export function expiresSoon(expiresAt: string | null, now = Date.now()): boolean {
  if (!expiresAt) return false;
  const left = Date.parse(expiresAt) - now;
  return left > 0 && left <= EXPIRY_WARNING_MS;
}

export const formatLimit = (n: number | null | undefined) => (n == null ? "No limit" : formatInteger(n));
export const formatBudget = (n: number | null | undefined) => (n == null ? "No limit" : formatUsd(n));

export function providerName(id: string, providers: readonly ProviderOption[]): string {
  return providers.find((p) => p.id === id)?.name ?? id;
}

export function formatProviders(ids: readonly string[] | null | undefined, providers: readonly ProviderOption[]): string {
  return ids == null ? "All providers" : ids.map((id) => providerName(id, providers)).join(", ");
}

export const formatModels = (models: readonly string[] | null | undefined) => (models == null ? "All models" : models.join(", "));

export const formatExpiry = (iso: string | null | undefined) => (iso == null ? "Never" : formatDate(iso, { withTime: true }));

/** What each permission lets a key do, in the words of the dashboard. */
export const PERMISSION_LABELS: Record<string, string> = {
  proxy: "Call providers through the gateway",
  "usage:read": "Read usage",
  "keys:read": "List keys and read the audit log",
  "keys:write": "Create, change, roll and revoke keys",
};
