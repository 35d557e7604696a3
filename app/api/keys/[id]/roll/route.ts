import { readJson } from "@/lib/api/body";
import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { rollKeyInput, rollOwnerKey } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

// POST /api/keys/{id}/roll {"grace_seconds"}: a new key, shown once; the old one expires after the grace period.
export const POST = apiRoute<{ id: string }>({ permission: "keys:write" }, async ({ req, caller, params }) =>
  Response.json(await rollOwnerKey(caller, params.id, await readJson(req, rollKeyInput)), {
    status: 201,
    headers: { "Cache-Control": "no-store" },
  }),
);

export const GET = methodNotAllowed(["POST"]);
export const PUT = GET;
export const PATCH = GET;
export const DELETE = GET;
