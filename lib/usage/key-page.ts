import { z } from "zod";
import { getKey, type KeyRecord } from "@/db/queries/keys";
import { keyActivity, type UsageRange, type UsageSums } from "@/db/queries/usage-read";
import { keyRequestPage, keyRequestTotal, MAX_POSITION, type RequestCursor, type RequestRow } from "@/db/queries/usage-requests";
import { detectAnomalies, type Anomaly } from "@/lib/usage/anomaly";
import { dayPoints, type ChartPoint } from "@/lib/usage/chart-series";
import { keyLimitState, type KeyLimitState } from "@/lib/usage/key-state";
import { addDays, isoDay, queryUsage, sumRows } from "@/lib/usage/query";

// What one key's page shows: its 30 days, its budget and limit state, the anomaly check, and its
// requests a page at a time (the page's `?requests=older.<id>` or `newer.<id>` cursor).

/** The key page's usage covers this many days, today included. */
export const KEY_PAGE_DAYS = 30;
export const REQUESTS_PAGE_SIZE = 20;
export const REQUESTS_PARAM = "requests";

const cursorSchema = z
  .string()
  .max(32)
  .regex(/^(older|newer)\.[1-9]\d{0,15}$/)
  .transform((s): RequestCursor | null => {
    const [direction, id] = s.split(".");
    const n = Number(id);
    return Number.isSafeInteger(n) ? { direction: direction as RequestCursor["direction"], id: n } : null;
  });

/** The URL's cursor; anything else (missing, repeated, garbage, too long) means the first page. */
export function parseRequestCursor(raw: string | string[] | undefined): RequestCursor | null {
  const parsed = cursorSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export const formatRequestCursor = (c: RequestCursor) => `${c.direction}.${c.id}`;

/** A request as the page's client table gets it: plain data, no key of any kind. */
export type RequestView = Omit<RequestRow, "ts"> & { ts: string };

export interface RequestsPage {
  rows: RequestView[];
  /** 1-based positions of the first and last row shown (0 when there are none). */
  start: number;
  end: number;
  /** Every request of the key, all time. */
  total: number;
  /** The rows above this page were counted only up to MAX_POSITION: start is a lower bound. */
  startIsLowerBound: boolean;
  newer: string | null;
  older: string | null;
}

export interface KeyPageData {
  key: KeyRecord;
  totals: UsageSums;
  points: ChartPoint[];
  anomalies: Anomaly[];
  limitState: KeyLimitState | null;
  requests: RequestsPage;
}

export async function loadRequestsPage({
  ownerId,
  keyId,
  cursor,
}: {
  ownerId: string;
  keyId: string;
  cursor: RequestCursor | null;
}): Promise<RequestsPage> {
  const [page, total] = await Promise.all([
    keyRequestPage({ ownerId, keyId, cursor, limit: REQUESTS_PAGE_SIZE }),
    keyRequestTotal({ ownerId, keyId }),
  ]);
  const { rows } = page;
  const start = rows.length > 0 ? page.newerCount + 1 : 0;
  const end = rows.length > 0 ? page.newerCount + rows.length : 0;
  return {
    rows: rows.map((r) => ({ ...r, ts: r.ts.toISOString() })),
    start,
    end,
    // The rollups land with the events, in one transaction; the max only guards the label.
    total: Math.max(total, end),
    startIsLowerBound: page.newerCount >= MAX_POSITION,
    newer: page.hasNewer ? formatRequestCursor({ direction: "newer", id: rows[0].id }) : null,
    older: page.hasOlder ? formatRequestCursor({ direction: "older", id: rows.at(-1)!.id }) : null,
  };
}

/** Null when the key does not exist or belongs to someone else. */
export async function loadKeyPage({
  ownerId,
  keyId,
  cursor = null,
  now = new Date(),
}: {
  ownerId: string;
  keyId: string;
  cursor?: RequestCursor | null;
  now?: Date;
}): Promise<KeyPageData | null> {
  const key = await getKey({ ownerId, id: keyId });
  if (!key) return null;
  const today = isoDay(now);
  const range: UsageRange = { kind: "days", from: addDays(today, -(KEY_PAGE_DAYS - 1)), to: today };
  const [days, activity, limitState, requests] = await Promise.all([
    queryUsage({ ownerId, range, keyId }, ["day"]),
    keyActivity({ ownerId, keyId, now }),
    keyLimitState({ ownerId, key, now }),
    loadRequestsPage({ ownerId, keyId, cursor }),
  ]);
  return { key, totals: sumRows(days), points: dayPoints(days), anomalies: detectAnomalies(activity), limitState, requests };
}
