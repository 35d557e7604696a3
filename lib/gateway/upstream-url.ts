// The client chooses only the path after /v1/<provider>. It must stay under the
// provider's base path: no dot segments, no encoded slashes or dots that a server
// might decode later, no backslashes, no empty segments.

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what it refuses
const FORBIDDEN = /(?:%2e|%2f|%5c|%00|\\|\/\/|[\x00-\x20\x7f])/i;

function build(base: URL, path: string, search: string): URL | null {
  if (!path.startsWith("/") || FORBIDDEN.test(path)) return null;
  for (const segment of path.split("/")) {
    if (segment === "." || segment === "..") return null;
  }
  const basePath = base.pathname.replace(/\/+$/, "");
  const url = new URL(base.origin + basePath + path + search);
  // Belt and braces: whatever the parser did, we still talk to the same origin and base path.
  if (url.origin !== base.origin || !url.pathname.startsWith(`${basePath}/`)) return null;
  return url;
}

// Clients repeat a handful of paths; checking and parsing each once showed in the profile.
// Bounded, since the search part is the client's to vary. The URLs are shared: never mutate one.
const seen = new Map<string, URL | null>();
const SEEN_MAX = 1024;

export function upstreamUrl(base: URL, path: string, search: string): URL | null {
  const id = `${base.href}\n${path}${search}`;
  let url = seen.get(id);
  if (url === undefined) {
    if (seen.size >= SEEN_MAX) seen.clear();
    seen.set(id, (url = build(base, path, search)));
  }
  return url;
}
