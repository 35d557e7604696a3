import type { WireFormat } from "../formats";

export type { WireFormat };

export interface ProviderAdapter {
  id: string;
  name: string;
  /** Chosen so the provider's official SDK works with baseURL = <gateway>/v1/<id>. */
  baseUrl: string;
  format: WireFormat;
  /** Sets the provider key on the upstream headers, the provider's own way. */
  authorize(headers: Record<string, string>, providerKey: string): void;
  /** Sent when the client did not send them itself. */
  defaultHeaders?: Record<string, string>;
  /** Maps the path after /v1/<id> onto the provider's API (aliases such as curl shorthands). */
  mapPath?(path: string): string;
  /** Which GET endpoints exist: anything else must be POST. */
  allowGet?: boolean;
  /** Accepts stream_options.include_usage (so the gateway can ask for usage on streams). */
  streamUsageOption?: boolean;
}
