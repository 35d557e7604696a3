import { verifyToken } from "@clerk/nextjs/server";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { decodeComponent } from "@/lib/uri";
import { looksLikeGatewayKey } from "@/lib/keys/format";
import { keyRefusal } from "@/lib/keys/refusals";
import { verifyKey } from "@/lib/keys/verifier";
import { MEMBER_PERMISSIONS, ORG_ADMIN_ROLE, PERMISSIONS, type Permission } from "./permissions";

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
  /** The client's address (lib/auth/client-ip.ts), for the audit log; null when nobody trusted vouches for one. */
  ip?: string | null;
  /** A session's role in its active Clerk organisation (`org:admin`, `org:member`, custom); else null. */
  role?: string | null;
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

async function keyCaller(token: string): Promise<Caller> {
  const result = await verifyKey(token);
  if (!result.ok) throw new AppError("unauthorized", keyRefusal(result.reason));
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
  v?: number;
  o?: { id?: string; rol?: string };
  org_id?: string;
  org_role?: string;
}

/**
 * The active organisation and the role in it, read as Clerk's own SDK reads them: v2 tokens
 * carry `o.id` and `o.rol` ("admin"), v1 tokens `org_id` and `org_role` ("org:admin").
 */
function activeOrganization(claims: SessionClaims): { id: string; role: string | null } | null {
  if (claims.v === 2) {
    const { id, rol } = claims.o ?? {};
    return typeof id === "string" && id ? { id, role: typeof rol === "string" && rol ? `org:${rol}` : null } : null;
  }
  const id = claims.org_id;
  const role = claims.org_role;
  return typeof id === "string" && id ? { id, role: typeof role === "string" && role ? role : null } : null;
}

/** Admins, and members when CLERK_MEMBER_CAN_MANAGE_KEYS, hold every permission; other roles only read. */
export function sessionPermissions(org: { role: string | null } | null, memberCanManage: boolean): readonly Permission[] {
  if (!org || org.role === ORG_ADMIN_ROLE || memberCanManage) return everything;
  return MEMBER_PERMISSIONS;
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
  // Without an active organisation the user owns their personal keys outright.
  const org = activeOrganization(claims);
  return {
    ownerId: org?.id ?? claims.sub,
    actorId: claims.sub,
    via: "session",
    permissions: sessionPermissions(org, env.CLERK_MEMBER_CAN_MANAGE_KEYS),
    ambient,
    role: org?.role ?? null,
  };
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
  if (caller.permissions.includes(permission)) return;
  if (caller.via === "session") {
    throw new AppError(
      "forbidden",
      `Your role in this organization (${caller.role ?? "none"}) cannot do this: it needs '${permission}'. Ask an organization admin.`,
    );
  }
  throw new AppError("forbidden", `This API key lacks the '${permission}' permission.`);
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
