import { verifyToken } from "@clerk/nextjs/server";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { decodeComponent } from "@/lib/uri";
import { looksLikeGatewayKey } from "@/lib/keys/format";
import { verifyKey } from "@/lib/keys/verifier";
import { PERMISSIONS, type Permission } from "./permissions";

// Who is calling the management API: a Clerk session (cookie or Bearer JWT),
// the single local owner, or a gateway key judged by its own permissions.

export const LOCAL_OWNER = "local";

export interface Caller {
  /** Whose keys these are: Clerk org id, else Clerk user id, else `local`. */
  ownerId: string;
  /** Who acts: user id, `local`, or the key id. */
  actorId: string;
  via: "local" | "session" | "key";
  permissions: readonly Permission[];
  /** The browser sends these credentials by itself (cookie, local mode): guard against CSRF. */
  ambient: boolean;
  /** The client's address as the proxy in front of us reports it, for the audit log. */
  ip?: string | null;
}

/** First X-Forwarded-For hop, else X-Real-IP. Only as trustworthy as the proxy in front. */
export function clientIp(req: Request): string | null {
  const forwarded = req.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || req.headers.get("x-real-ip") || null;
}

const everything: readonly Permission[] = PERMISSIONS;

function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m) throw new AppError("unauthorized", "Authorization header must be 'Bearer <token>'.");
  return m[1];
}

function sessionCookie(req: Request): string | null {
  const cookie = req.headers.get("cookie");
  if (!cookie) return null;
  for (const part of cookie.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    // Malformed encoding is kept as it is: it then fails verification like any bad token (401).
    if (name === "__session") return decodeComponent(rest.join("=")) ?? rest.join("=");
  }
  return null;
}

const keyRefusals = {
  malformed: "Invalid API key. Gateway keys look like ne_live_… or ne_test_….",
  invalid: "Invalid API key.",
  revoked: "This API key has been revoked.",
  expired: "This API key has expired.",
} as const;

async function keyCaller(token: string): Promise<Caller> {
  const result = await verifyKey(token);
  if (!result.ok) throw new AppError("unauthorized", keyRefusals[result.reason]);
  const { key } = result;
  return {
    ownerId: key.ownerId,
    actorId: key.id,
    via: "key",
    permissions: key.permissions.filter((p): p is Permission => everything.includes(p as Permission)),
    ambient: false,
  };
}

interface SessionClaims {
  sub: string;
  o?: { id?: string };
  org_id?: string;
}

async function sessionCaller(token: string, ambient: boolean): Promise<Caller> {
  const env = getEnv();
  let claims: SessionClaims;
  try {
    claims = (await verifyToken(token, {
      jwtKey: env.CLERK_JWT_KEY,
      secretKey: env.CLERK_SECRET_KEY,
      authorizedParties: env.authorizedParties.length ? env.authorizedParties : undefined,
    })) as unknown as SessionClaims;
  } catch {
    throw new AppError("unauthorized", "Your session is invalid or has expired. Sign in again.");
  }
  // Session tokens v2 carry the active organization as `o.id`; v1 as `org_id`.
  const org = claims.o?.id ?? claims.org_id;
  return { ownerId: org ?? claims.sub, actorId: claims.sub, via: "session", permissions: everything, ambient };
}

export async function authenticate(req: Request): Promise<Caller> {
  const env = getEnv();
  const bearer = bearerToken(req);
  if (bearer && looksLikeGatewayKey(bearer)) return keyCaller(bearer);

  if (!env.clerkEnabled) {
    if (bearer) {
      throw new AppError("unauthorized", "Local mode accepts gateway keys (ne_live_…, ne_test_…) or no Authorization header.");
    }
    return { ownerId: LOCAL_OWNER, actorId: LOCAL_OWNER, via: "local", permissions: everything, ambient: true };
  }
  if (bearer) return sessionCaller(bearer, false);
  const cookie = sessionCookie(req);
  if (cookie) return sessionCaller(cookie, true);
  throw new AppError("unauthorized", "Sign in, or send 'Authorization: Bearer <gateway key or session token>'.");
}

export function requirePermission(caller: Caller, permission: Permission): void {
  if (!caller.permissions.includes(permission)) {
    throw new AppError("forbidden", `This API key lacks the '${permission}' permission.`);
  }
}

/**
 * Changes made with ambient credentials must come from our own pages: a browser
 * always sends Origin on cross-site POST/PATCH/DELETE, scripts usually send none.
 */
export function assertSameOrigin(req: Request, caller: Caller): void {
  if (!caller.ambient || req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (!origin) {
    if (site === "cross-site") throw new AppError("forbidden", "Cross-site requests are not allowed.");
    return;
  }
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("forbidden", "Cross-site requests are not allowed.");
  }
  if (!host || originHost.toLowerCase() !== host.toLowerCase()) {
    throw new AppError("forbidden", "Cross-site requests are not allowed.");
  }
}
