import { apiRoute, methodNotAllowed } from "@/lib/api/route";

export const dynamic = "force-dynamic";

// POST /api/session/sign-out: the dashboard's own sign-out, for when Clerk's account menu cannot
// load. It forgets the session in this browser (Clerk's own menu also ends it at Clerk).
export const POST = apiRoute({}, async () => {
  const headers = new Headers({ location: "/sign-in" });
  for (const name of ["__session", "__client_uat"]) headers.append("set-cookie", `${name}=; Path=/; Max-Age=0; SameSite=Lax`);
  return new Response(null, { status: 303, headers });
});

export const GET = methodNotAllowed(["POST"]);
