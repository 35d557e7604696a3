import type { Env } from "@/lib/env";
import { AppError } from "@/lib/errors";

// Local mode has no sign-in, so it must only ever be reachable from this machine.

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1", "[::1]"]);

function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(0, h.indexOf("]") + 1);
  if (h.indexOf(":") !== h.lastIndexOf(":")) return h; // a bare IPv6 address (HOST=::1)
  return h.replace(/:\d+$/, "");
}

export function isLoopbackName(name: string): boolean {
  const h = hostnameOf(name);
  return LOOPBACK_NAMES.has(h) || h.endsWith(".localhost") || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * DNS-rebinding guard: a page on evil.example that resolves to 127.0.0.1 still
 * sends `Host: evil.example`, so in local mode anything but a loopback name is refused.
 */
export function localHostAllowed(env: Env, hostHeader: string | null | undefined): boolean {
  if (env.clerkEnabled || env.NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE) return true;
  if (!hostHeader) return false;
  // Every request carries the same Host: the last one found good is not parsed again.
  if (hostHeader === lastLoopbackHost) return true;
  if (!isLoopbackName(hostHeader)) return false;
  lastLoopbackHost = hostHeader;
  return true;
}
let lastLoopbackHost = "";

export function assertLocalHost(env: Env, hostHeader: string | null | undefined): void {
  if (!localHostAllowed(env, hostHeader)) {
    throw new AppError("forbidden", "This server runs in local mode and only answers loopback host names.");
  }
}

/** Refuses to start local mode on a public address unless the operator insists, loudly. */
export function assertSafeBind(env: Env): void {
  if (env.clerkEnabled || isLoopbackName(env.host)) return;
  if (env.NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE) {
    console.warn(
      `[neuronedge] WARNING: local mode (no sign-in) is listening on ${env.host}. ` +
        "Anyone who can reach this address can create keys. Configure Clerk for a shared deployment.",
    );
    return;
  }
  throw new Error(
    `Refusing to serve local mode (no sign-in) on ${env.host}: it would let anyone on the network ` +
      "manage your keys. Use HOST=127.0.0.1, configure Clerk (CLERK_SECRET_KEY and " +
      "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY), or set NEURONEDGE_UNSAFE_ALLOW_PUBLIC_LOCAL_MODE=1 if you really mean it.",
  );
}
