import type { BodyReader } from "./body";
import type { Cancellation } from "./cancel";

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
  /** The door's reader of the body; null when there is none (GET). */
  body: BodyReader | null;
  /** Fires when the client goes away. */
  cancel: Cancellation;
}

/** A web Headers object, or the Node door's view of IncomingMessage.headers (names lower-case). */
export interface HeaderSource {
  get(name: string): string | null | undefined;
  forEach(fn: (value: string, name: string) => void): void;
}

export interface GatewayResponse {
  status: number;
  headers: Record<string, string | string[]>;
  /** A stream, a small upstream body read whole, or a gateway-made answer. */
  body: AsyncIterable<Uint8Array> | Uint8Array | string | null;
}
