import { and, desc, eq, lt } from "drizzle-orm";
import { getDb } from "../client";
import { auditEvents } from "../schema";

export type AuditEvent = typeof auditEvents.$inferSelect;
export type NewAuditEvent = typeof auditEvents.$inferInsert;

export async function insertAuditEvent({ event }: { event: NewAuditEvent }): Promise<void> {
  const db = await getDb();
  await db.insert(auditEvents).values(event);
}

/** Newest first; `before` (an event id) pages backwards. */
export async function listAuditEvents({
  ownerId,
  keyId,
  before,
  limit,
}: {
  ownerId: string;
  keyId?: string;
  before?: number;
  limit: number;
}): Promise<AuditEvent[]> {
  const db = await getDb();
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.ownerId, ownerId),
        keyId ? eq(auditEvents.keyId, keyId) : undefined,
        before ? lt(auditEvents.id, before) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(limit);
}
