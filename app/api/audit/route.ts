import { z } from "zod";
import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { listOwnerAudit } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

const query = z.object({
  key_id: z.string().min(1).max(100).optional(),
  before: z.coerce.number({ error: "before must be an event id." }).int().positive().optional(),
  limit: z.coerce
    .number({ error: "limit must be a number." })
    .int()
    .min(1, "limit must be at least 1.")
    .max(500, "limit must be at most 500.")
    .default(100),
});

// GET /api/audit?key_id=&before=&limit=: who changed which key, newest first.
export const GET = apiRoute({ permission: "keys:read" }, async ({ req, caller }) => {
  const parsed = query.safeParse(Object.fromEntries(new URL(req.url).searchParams));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError("bad_request", issue.message, { param: issue.path.join(".") || undefined });
  }
  const { key_id, before, limit } = parsed.data;
  const events = await listOwnerAudit(caller, { keyId: key_id, before, limit });
  return Response.json({ events, next_before: events.length === limit ? events[events.length - 1].id : null });
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
