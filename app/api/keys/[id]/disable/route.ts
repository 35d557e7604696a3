import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { disableOwnerKey } from "@/lib/keys/disable";

export const dynamic = "force-dynamic";

// POST /api/keys/{id}/disable: the key is refused (401) until enabled again; disabling it twice changes nothing.
export const POST = apiRoute<{ id: string }>({ permission: "keys:write" }, async ({ caller, params }) =>
  Response.json(await disableOwnerKey(caller, params.id), { headers: { "Cache-Control": "no-store" } }),
);

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
