import { methodNotAllowed, publicRoute } from "@/lib/api/route";
import { checkReadiness } from "@/lib/health";

export const dynamic = "force-dynamic";

// Readiness: 503 while the instance drains for a stop or cannot reach its database.
export const GET = publicRoute(async () => {
  const r = await checkReadiness();
  const body = { status: r.ready ? "ready" : r.draining ? "draining" : "database unreachable", draining: r.draining, database: r.database };
  return Response.json(body, { status: r.ready ? 200 : 503, headers: { "Cache-Control": "no-store" } });
});

export const POST = methodNotAllowed(["GET"]);
