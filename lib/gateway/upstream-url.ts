// The client chooses only the path after /v1/<provider>. It must stay under the
// provider's base path: no dot segments, no encoded slashes or dots that a server
// might decode later, no backslashes, no empty segments.

const FORBIDDEN = /(?:%2e|%2f|%5c|%00|\\|\/\/|[\x00-\x20\x7f])/i;

export function upstreamUrl(base: URL, path: string, search: string): URL | null {
  if (!path.startsWith("/") || FORBIDDEN.test(path)) return null;
  for (const segment of path.split("/")) {
    if (segment === "." || segment === "..") return null;
  }
  const basePath = base.pathname.replace(/\/+$/, "");
  const url = new URL(base.origin + basePath + path + search);
  // Belt and braces: whatever the parser did, we still talk to the same origin and base path.
  if (url.origin !== base.origin || !url.pathname.startsWith(basePath + "/")) return null;
  return url;
}
