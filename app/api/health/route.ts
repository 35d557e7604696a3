import { checkHealth } from "@/lib/health";
import { methodNotAllowed } from "@/lib/api/route";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const health = await checkHealth();
  return Response.json(health, { status: health.status === "ok" ? 200 : 503, headers: { "Cache-Control": "no-store" } });
}

export const POST = methodNotAllowed(["GET"]);
