import { assertSameOrigin, authenticate, requirePermission, type Caller } from "@/lib/auth/caller";
import { requestClientAddress } from "@/lib/auth/client-ip";
import { assertLocalHost } from "@/lib/auth/local-guard";
import type { Permission } from "@/lib/auth/permissions";
import { getEnv } from "@/lib/env";
import { AppError, errorResponse } from "@/lib/errors";
import { rejectNul } from "./body";

// The wrapper every management route goes through: host guard → who is calling →
// CSRF check → permission → handler, with every failure in one JSON error shape.

interface Context<P> {
  req: Request;
  caller: Caller;
  params: P;
}

type NextContext<P> = { params: Promise<P> };

export function apiRoute<P = Record<string, never>>(options: { permission?: Permission }, handler: (ctx: Context<P>) => Promise<Response>) {
  return async (req: Request, ctx?: NextContext<P>): Promise<Response> => {
    try {
      assertLocalHost(getEnv(), req.headers.get("host"));
      const caller = { ...(await authenticate(req)), ip: requestClientAddress(req) };
      assertSameOrigin(req, caller);
      if (options.permission) requirePermission(caller, options.permission);
      const params = (ctx ? await ctx.params : {}) as P;
      rejectNul(params);
      for (const [name, value] of new URL(req.url).searchParams) rejectNul({ [name]: value });
      return await handler({ req, caller, params });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** For the methods a route does not serve: 405 in our error shape, with Allow. */
/** An /api route that needs no caller (health): the same Host check and error answers, nothing else. */
export function publicRoute(handler: (req: Request) => Promise<Response>) {
  return async (req: Request): Promise<Response> => {
    try {
      assertLocalHost(getEnv(), req.headers.get("host"));
      return await handler(req);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

export function methodNotAllowed(allowed: string[]) {
  return async (req: Request): Promise<Response> =>
    errorResponse(
      new AppError("method_not_allowed", `Method ${req.method} is not allowed here. Allowed: ${allowed.join(", ")}.`, {
        headers: { Allow: allowed.join(", ") },
      }),
    );
}
