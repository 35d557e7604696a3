import { clerkMiddleware, createRouteMatcher } from "@clerk/nextjs/server";
import { NextResponse, type NextFetchEvent, type NextMiddleware, type NextRequest } from "next/server";
import { assertLocalHost } from "@/lib/auth/local-guard";
import { getEnv } from "@/lib/env";
import { errorResponse } from "@/lib/errors";

// Next 16's request proxy, for pages only. Local mode: refuse non-loopback Host names (DNS
// rebinding). Clerk mode: the dashboard requires a session. /api checks its Host and credentials
// itself (lib/api/route.ts), and /v1 in its door (lib/gateway): each request is checked once.

const isDashboard = createRouteMatcher(["/dashboard(.*)"]);

let clerk: NextMiddleware | undefined;

function clerkProxy() {
  const env = getEnv();
  return (clerk ??= clerkMiddleware(
    async (auth, req) => {
      if (isDashboard(req)) await auth.protect();
    },
    {
      secretKey: env.CLERK_SECRET_KEY,
      publishableKey: env.NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY,
      jwtKey: env.CLERK_JWT_KEY,
      authorizedParties: env.authorizedParties.length ? env.authorizedParties : undefined,
      signInUrl: "/sign-in",
    },
  ));
}

export default async function proxy(req: NextRequest, event: NextFetchEvent) {
  const env = getEnv();
  try {
    assertLocalHost(env, req.headers.get("host"));
  } catch (err) {
    return errorResponse(err);
  }
  if (!env.clerkEnabled) return NextResponse.next();
  return clerkProxy()(req, event);
}

export const config = {
  matcher: ["/((?!v1/|api/|_next/static|_next/image|favicon.ico).*)"],
};
