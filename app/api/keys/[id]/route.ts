import { readJson } from "@/lib/api/body";
import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { getOwnerKey, revokeOwnerKey, updateKeyInput, updateOwnerKey } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

type Params = { id: string };

export const GET = apiRoute<Params>({ permission: "keys:read" }, async ({ caller, params }) =>
  Response.json(await getOwnerKey(caller, params.id)),
);

export const PATCH = apiRoute<Params>({ permission: "keys:write" }, async ({ req, caller, params }) =>
  Response.json(await updateOwnerKey(caller, params.id, await readJson(req, updateKeyInput))),
);

export const DELETE = apiRoute<Params>({ permission: "keys:write" }, async ({ caller, params }) => {
  const key = await revokeOwnerKey(caller, params.id);
  return Response.json({ success: true, message: "API key revoked successfully", id: key.id, revoked_at: key.revoked_at });
});

export const POST = methodNotAllowed(["GET", "PATCH", "DELETE"]);
export const PUT = POST;
