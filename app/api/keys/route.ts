import { readJson } from "@/lib/api/body";
import { apiRoute, methodNotAllowed } from "@/lib/api/route";
import { createKey, createKeyInput, listOwnerKeys } from "@/lib/keys/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute({ permission: "keys:read" }, async ({ req, caller }) => {
  const includeRevoked = new URL(req.url).searchParams.get("include_revoked") === "true";
  return Response.json({ keys: await listOwnerKeys(caller, includeRevoked) });
});

export const POST = apiRoute({ permission: "keys:write" }, async ({ req, caller }) => {
  const input = await readJson(req, createKeyInput);
  return Response.json(await createKey(caller, input), { status: 201, headers: { "Cache-Control": "no-store" } });
});

export const PUT = methodNotAllowed(["GET", "POST"]);
export const PATCH = PUT;
export const DELETE = PUT;
