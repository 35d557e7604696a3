// Where a /v1 request goes: the provider and the path after it, the same for both doors.

/** Splits "/v1/<provider>/<path>?<search>"; the path stays percent-encoded. */
export function splitGatewayUrl(url: string): { provider: string; path: string; search: string } {
  const q = url.indexOf("?");
  const pathname = q === -1 ? url : url.slice(0, q);
  const search = q === -1 ? "" : url.slice(q);
  const rest = pathname.slice("/v1/".length);
  const slash = rest.indexOf("/");
  return slash === -1 ? { provider: rest, path: "/", search } : { provider: rest.slice(0, slash), path: rest.slice(slash), search };
}
