import { auth } from "@clerk/nextjs/server";
import { redirect } from "next/navigation";
import { getEnv } from "@/lib/env";
import { LOCAL_OWNER } from "./caller";

/** Whose dashboard this is, for server components. The proxy already required a session. */
export async function pageOwner(): Promise<{ ownerId: string; actorId: string; mode: "local" | "clerk" }> {
  if (!getEnv().clerkEnabled) return { ownerId: LOCAL_OWNER, actorId: LOCAL_OWNER, mode: "local" };
  const { userId, orgId } = await auth();
  if (!userId) redirect("/sign-in");
  return { ownerId: orgId ?? userId, actorId: userId, mode: "clerk" };
}
