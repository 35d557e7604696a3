import { methodNotAllowed, publicRoute } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// Liveness: the process answers. Nothing else is checked, so a database outage or a drain never
// gets a healthy instance restarted; readiness (../ready) is what takes it out of rotation.
export const GET = publicRoute(async () => Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } }));

export const POST = methodNotAllowed(["GET"]);
