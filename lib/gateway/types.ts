/** The gateway core's view of a request: no Next, no node:http, just what it needs. */
export interface GatewayRequest {
  method: string;
  /** First path segment after /v1/. */
  provider: string;
  /** The rest of the path, still percent-encoded, starting with "/". */
  path: string;
  /** "?…" or "". */
  search: string;
  headers: HeaderSource;
  body: AsyncIterable<Uint8Array> | null;
  /** Aborts when the client goes away. */
  signal: AbortSignal;
}

export interface HeaderSource {
  get(name: string): string | null | undefined;
  entries(): Iterable<[string, string]>;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: AsyncIterable<Uint8Array> | string | null;
}
