import { and, asc, desc, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { usageDaily, usageEvents } from "../schema";
import { gatewayRefusal } from "./usage-read";
import { boundedRead, GroupTotals, sumSliced } from "./usage-slices";
import { asNumber } from "./usage-source";

// One key's requests a page at a time, for its page: a keyset on (ts, id), newest first. A cursor
// names a row by id only, and the row's own ts is read in SQL, so no timestamp is rounded in a URL.

/** Whatever a caller asks, a page holds at most this many rows. */
export const MAX_REQUEST_PAGE = 100;
/** Counting the rows above a page stops here: a cursor deep in a busy key's history stays cheap. */
export const MAX_POSITION = 10_000;

export interface RequestRow {
  id: number;
  ts: Date;
  provider: string;
  model: string;
  endpoint: string;
  status: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costUsd: number | null;
  latencyMs: number;
  ttfbMs: number | null;
  streamed: boolean;
  aborted: boolean;
  /** The gateway's own refusal by the key's policy (budget, allow-list, rate limit), not the provider's answer. */
  refused: boolean;
}

/** The rows older than the given one, or newer than it. */
export type RequestCursor = { direction: "older" | "newer"; id: number };

export interface RequestPage {
  rows: RequestRow[];
  hasNewer: boolean;
  hasOlder: boolean;
  /** How many of the key's requests are newer than the first row shown, at most MAX_POSITION. */
  newerCount: number;
}

const t = usageEvents;

const columns = {
  id: t.id,
  ts: t.ts,
  provider: t.provider,
  model: t.model,
  endpoint: t.endpoint,
  status: t.status,
  inputTokens: t.inputTokens,
  outputTokens: t.outputTokens,
  cachedInputTokens: t.cachedInputTokens,
  costUsd: t.costUsd,
  latencyMs: t.latencyMs,
  ttfbMs: t.ttfbMs,
  streamed: t.streamed,
  aborted: t.aborted,
  refused: sql<boolean>`${gatewayRefusal(t)}`.mapWith(Boolean),
};

/**
 * Rows before or after the row with this id in (ts, id) order. The plain bound on ts lets the
 * (key_id, ts) index start at the row, instead of walking every newer row of the key first.
 */
function beyond(id: number, side: "older" | "newer"): SQL {
  const ts = sql`(select a.ts from ${t} a where a.id = ${id})`;
  const row = sql`(select a.ts, a.id from ${t} a where a.id = ${id})`;
  return side === "older" ? sql`${t.ts} <= ${ts} and (${t.ts}, ${t.id}) < ${row}` : sql`${t.ts} >= ${ts} and (${t.ts}, ${t.id}) > ${row}`;
}

async function select(mine: SQL, where: SQL | undefined, order: "newest" | "oldest", limit: number): Promise<RequestRow[]> {
  const db = await getDb();
  const by = order === "newest" ? [desc(t.ts), desc(t.id)] : [asc(t.ts), asc(t.id)];
  return db
    .select(columns)
    .from(t)
    .where(and(mine, where))
    .orderBy(...by)
    .limit(limit);
}

async function newerThan(mine: SQL, id: number): Promise<number> {
  const db = await getDb();
  const above = db
    .select({ one: sql`1`.as("one") })
    .from(t)
    .where(and(mine, beyond(id, "newer")))
    .limit(MAX_POSITION)
    .as("above");
  const [row] = await db.select({ n: sql`count(*)::float8`.mapWith(asNumber) }).from(above);
  return row?.n ?? 0;
}

/**
 * One page of the key's requests, newest first. A cursor that names no request of this key (a
 * garbage or foreign id) gives the first page; so does "newer" when fewer than a page are newer.
 */
export async function keyRequestPage({
  ownerId,
  keyId,
  cursor,
  limit,
}: {
  ownerId: string;
  keyId: string;
  cursor: RequestCursor | null;
  limit: number;
}): Promise<RequestPage> {
  const size = Math.min(MAX_REQUEST_PAGE, Math.max(1, Math.floor(limit) || 1));
  const mine = and(eq(t.ownerId, ownerId), eq(t.keyId, keyId))!;
  const first = async (): Promise<RequestPage> => {
    const rows = await select(mine, undefined, "newest", size + 1);
    return { rows: rows.slice(0, size), hasNewer: false, hasOlder: rows.length > size, newerCount: 0 };
  };
  if (!cursor || !Number.isSafeInteger(cursor.id) || cursor.id < 1) return first();
  const db = await getDb();
  const [anchor] = await db
    .select({ id: t.id })
    .from(t)
    .where(and(mine, eq(t.id, cursor.id)))
    .limit(1);
  if (!anchor) return first();

  if (cursor.direction === "older") {
    const rows = await select(mine, beyond(anchor.id, "older"), "newest", size + 1);
    if (rows.length === 0) return first();
    const page = rows.slice(0, size);
    return { rows: page, hasNewer: true, hasOlder: rows.length > size, newerCount: await newerThan(mine, page[0].id) };
  }
  const rows = await select(mine, beyond(anchor.id, "newer"), "oldest", size + 1);
  // Nothing newer beyond this page: the first page, so it is full and shows what came since.
  if (rows.length <= size) return first();
  const page = rows.slice(0, size).reverse();
  return { rows: page, hasNewer: true, hasOlder: true, newerCount: await newerThan(mine, page[0].id) };
}

/** Every request the key has made, from the daily rollups (counting raw events would read them all), a slice at a time. */
export async function keyRequestTotal({ ownerId, keyId }: { ownerId: string; keyId: string }): Promise<number> {
  const d = usageDaily;
  return boundedRead(async (session) => {
    const total = new GroupTotals([false], 1);
    const scan = and(eq(d.ownerId, ownerId), eq(d.keyId, keyId))!;
    await sumSliced(session, { table: d, scan, groupBy: [], sums: [{ sql: sql`sum(${d.requests})` }] }, total);
    return total.list()[0]?.sums[0] ?? 0;
  });
}
