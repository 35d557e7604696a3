import type { Caller } from "@/lib/auth/caller";

/** A fresh owner for one bench run, allowed to make keys and proxy: no run reads another's rows. */
export function benchCaller(): Caller {
  const ownerId = `bench_${Date.now().toString(36)}`;
  return { ownerId, actorId: ownerId, via: "session", permissions: ["keys:write", "proxy"], ambient: false };
}
