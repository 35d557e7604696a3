import { checkHealth } from "@/lib/health";
import { methodNotAllowed, publicRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => {
  const health = await checkHealth();
  // Only a lost database takes the instance out of rotation; without Redis it still serves.
  return Response.json(health, { status: health.database === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
});

export const POST = methodNotAllowed(["GET"]);
