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
    // The publishable key is passed because Next inlines NEXT_PUBLIC_* at build time, and one
    // build serves both modes. The secret key is not: Clerk reads CLERK_SECRET_KEY itself at run
    // time, and a secretKey passed here is a "dynamic key" Clerk must encrypt into the request
    // (CLERK_ENCRYPTION_KEY, or every page answers 500).
    {
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
  const res = await clerkProxy()(req, event);
  return res ? continueInPlace(req, res) : res;
}

/**
 * Clerk passes what it verified to the page as request headers by rewriting the request to its
 * own URL. Next takes a rewrite whose origin differs from the one it believes it serves (it builds
 * the middleware's URL on "localhost" behind a custom server) for an external one and proxies it to
 * itself over the network, which failed ("socket hang up"). The same request headers travel on a
 * plain continue, so a rewrite to the request's own path is turned into one.
 */
function continueInPlace(req: NextRequest, res: Response): Response {
  const target = res.headers.get("x-middleware-rewrite");
  if (!target) return res;
  const url = new URL(target);
  if (url.pathname !== req.nextUrl.pathname || url.search !== req.nextUrl.search) return res;
  res.headers.delete("x-middleware-rewrite");
  res.headers.set("x-middleware-next", "1");
  return res;
}

export const config = {
  matcher: ["/((?!v1/|api/|_next/static|_next/image|favicon.ico).*)"],
};
