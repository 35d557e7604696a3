import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { parseInput } from "@/lib/errors";
import { auditQueryInput } from "@/lib/keys/inputs";
import { listOwnerAudit } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

// GET /api/audit?key_id=&before=&limit=: who changed which key, newest first.
export const GET = apiRoute({ permission: "keys:read" }, async ({ req, caller }) => {
  const { key_id, before, limit } = parseInput(auditQueryInput, Object.fromEntries(new URL(req.url).searchParams));
  const events = await listOwnerAudit(caller, { keyId: key_id, before, limit });
  return Response.json({ events, next_before: events.length === limit ? events[events.length - 1].id : null });
});

export const POST = methodNotAllowed(["GET"]);
export const PUT = POST;
export const PATCH = POST;
export const DELETE = POST;
