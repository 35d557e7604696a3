import { and, eq, sql, type SQL } from "drizzle-orm";
import { getDb } from "../client";
import { usageDaily, usageEvents, usageHourly } from "../schema";

// Counts the benchmark reads to check that every store agrees: nothing in the product needs them.

/** A key's requests as each store counts them: raw events, hourly and daily rollups (the bench checks they agree). */
export async function usageRecordCounts({
  ownerId,
  keyId,
}: {
  ownerId: string;
  keyId: string;
}): Promise<{ events: number; hourly: number; daily: number }> {
  const db = await getDb();
  const count = async (t: typeof usageEvents | typeof usageHourly | typeof usageDaily, n: SQL) => {
    const [row] = await db
      .select({ n: sql`coalesce(${n}, 0)::float8`.mapWith(Number) })
      .from(t)
      .where(and(eq(t.ownerId, ownerId), eq(t.keyId, keyId)));
    return row.n;
  };
  return {
    events: await count(usageEvents, sql`count(*)`),
    hourly: await count(usageHourly, sql`sum(${usageHourly.requests})`),
    daily: await count(usageDaily, sql`sum(${usageDaily.requests})`),
  };
}
