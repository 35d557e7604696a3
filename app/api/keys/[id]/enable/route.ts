import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { enableOwnerKey } from "@/lib/keys/disable";

export const dynamic = "force-dynamic";

// POST /api/keys/{id}/enable: a disabled key works again, on every instance within the revocation bound.
export const POST = apiRoute<{ id: string }>({ permission: "keys:write" }, async ({ caller, params }) =>
  Response.json(await enableOwnerKey(caller, params.id), { headers: { "Cache-Control": "no-store" } }),
);

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
