import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/singleton";

// Who is calling, for the audit log. X-Forwarded-For is a claim anyone can make: it is believed
// only hop by hop from the right, and only from proxies the operator lists in TRUSTED_PROXIES.
//
// `npm start` (server.ts): the front door knows the socket's peer, walks the chain, and hands Next
// the answer in CLIENT_IP_HEADER, overwriting any copy the caller sent.
// Serverless (no socket, no front door): the platform's edge is the peer we cannot see. It is
// trusted only when TRUSTED_PROXIES is set; the chain is then walked from the right, skipping the
// listed hops, and the first unlisted address is the client. With TRUSTED_PROXIES empty the
// address is unknown (null): a claim nobody vouches for is never recorded.

export const CLIENT_IP_HEADER = "x-neuronedge-client-ip";

/** Headers that speak for a proxy: dropped from requests whose peer is not a trusted one. */
const PROXY_HEADERS = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-port", "x-forwarded-proto", "forwarded", "x-real-ip"];

/** A chain longer than this is not a real proxy path; its leftmost part is never read. */
const MAX_HOPS = 32;

export interface TrustedProxies {
  readonly empty: boolean;
  has(address: string): boolean;
}

const compiled = new WeakMap<readonly string[], TrustedProxies>();

/** TRUSTED_PROXIES entries (`10.0.0.0/8`, `fd00::/8`, `192.0.2.1`) as a matcher; a bad entry throws. */
export function trustedProxies(list: readonly string[]): TrustedProxies {
  let found = compiled.get(list);
  if (found) return found;
  const block = new BlockList();
  for (const entry of list) {
    const [address, prefix, extra] = entry.split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? (family === 6 ? 128 : 32) : /^\d{1,3}$/.test(prefix) ? Number(prefix) : -1;
    if (!family || extra !== undefined || bits < 0 || bits > (family === 6 ? 128 : 32)) {
      throw new Error(`Invalid TRUSTED_PROXIES entry '${entry}': expected an IP address or a CIDR such as 10.0.0.0/8.`);
    }
    block.addSubnet(address, bits, family === 6 ? "ipv6" : "ipv4");
  }
  found = {
    empty: list.length === 0,
    // BlockList matches an IPv4-mapped IPv6 address (::ffff:10.0.0.1) against IPv4 ranges too.
    has: (a) => list.length > 0 && block.check(a, isIP(a) === 6 ? "ipv6" : "ipv4"),
  };
  compiled.set(list, found);
  return found;
}

/**
 * One X-Forwarded-For entry (or a socket's address) as a bare IP: brackets, ports and quotes
 * removed, IPv4-mapped IPv6 shown as IPv4; null when it is not an address.
 */
export function parseAddress(text: string): string | null {
  let s = text.trim();
  if (s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1);
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    if (end === -1) return null;
    s = s.slice(1, end);
  } else if (s.indexOf(":") !== -1 && s.indexOf(":") === s.lastIndexOf(":")) {
    s = s.slice(0, s.indexOf(":")); // IPv4 with a port
  }
  const family = isIP(s);
  if (!family) return null;
  const mapped = family === 6 ? /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(s) : null;
  return mapped ? mapped[1] : s.toLowerCase();
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy, in which case the chain in
 * X-Forwarded-For is walked from the right while each hop is trusted too. A hop that is not an
 * address ends the walk at the last proxy that vouched for it.
 */
export function clientAddress(
  peer: string | null | undefined,
  forwardedFor: string | null | undefined,
  trusted: TrustedProxies,
): string | null {
  const start = peer ? parseAddress(peer) : null;
  if (!start || !trusted.has(start)) return start;
  return walk(forwardedFor, trusted, start);
}

/** From the right of the chain, past trusted hops; `last` is the nearest hop already vouched for. */
function walk(forwardedFor: string | null | undefined, trusted: TrustedProxies, last: string | null): string | null {
  if (!forwardedFor) return last;
  const hops = forwardedFor.split(",");
  for (let i = hops.length - 1, seen = 0; i >= 0 && seen < MAX_HOPS; i--, seen++) {
    const hop = parseAddress(hops[i]);
    if (!hop) return last;
    if (!trusted.has(hop)) return hop;
    last = hop;
  }
  return last;
}

const front = processSingleton("clientIpFrontDoor", () => ({ stamps: false }));

/**
 * server.ts, for every request it hands to Next: the client's address goes in CLIENT_IP_HEADER
 * (empty when unknown), and a peer that is not a trusted proxy loses the proxy headers it sent.
 * From then on this process believes CLIENT_IP_HEADER (a process singleton: Next's bundles are separate
 * module copies in the same process).
 */
export function stampClientAddress(req: IncomingMessage): void {
  front.stamps = true;
  const trusted = trustedProxies(getEnv().trustedProxies);
  const peer = req.socket.remoteAddress ? parseAddress(req.socket.remoteAddress) : null;
  const forwarded = req.headers["x-forwarded-for"];
  const address = clientAddress(peer, Array.isArray(forwarded) ? forwarded.join(",") : forwarded, trusted);
  if (!peer || !trusted.has(peer)) for (const name of PROXY_HEADERS) delete req.headers[name];
  req.headers[CLIENT_IP_HEADER] = address ?? "";
}

/** The client's address as a route handler can know it (see the top of this file). */
export function requestClientAddress(req: Request): string | null {
  const stamped = front.stamps ? req.headers.get(CLIENT_IP_HEADER) : null;
  if (stamped !== null) return stamped || null;
  const trusted = trustedProxies(getEnv().trustedProxies);
  return trusted.empty ? null : walk(req.headers.get("x-forwarded-for"), trusted, null);
}
