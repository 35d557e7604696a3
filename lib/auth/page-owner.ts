import { auth } from "@clerk/nextjs/server";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { LOCAL_OWNER, sessionPermissions } from "./caller";

export interface PageOwner {
  ownerId: string;
  actorId: string;
  mode: "local" | "clerk";
  /** Why this person may look but not change keys (their organisation role); null when they may. */
  readOnly: string | null;
  /** The active organisation and the role in it; null for a personal account or local mode. */
  org: { id: string; role: string | null } | null;
}

/**
 * Whose dashboard this is, for server components, by the same rules as the API: the active
 * organisation owns the keys, and its role decides who may change them. The proxy already
 * required a session.
 */
export async function pageOwner(): Promise<PageOwner> {
  const env = getEnv();
  if (!env.clerkEnabled) return { ownerId: LOCAL_OWNER, actorId: LOCAL_OWNER, mode: "local", readOnly: null, org: null };
  const { userId, orgId, orgRole } = await auth();
  if (!userId) redirect("/sign-in");
  const org = orgId ? { id: orgId, role: orgRole ?? null } : null;
  const canManage = sessionPermissions(org, env.CLERK_MEMBER_CAN_MANAGE_KEYS).includes("keys:write");
  const readOnly = canManage
    ? null
    : `Your role in this organization (${org?.role ?? "none"}) can view keys and usage but not create or change keys. Ask an organization admin.`;
  return { ownerId: orgId ?? userId, actorId: userId, mode: "clerk", readOnly, org };
}
