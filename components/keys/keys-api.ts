import type { Permission } from "@/lib/auth/permissions";
import type { KeyView } from "@/lib/keys/service";

// Browser-side calls to the management API. Same origin, so the browser's Origin header
// passes the API's CSRF check; errors come back in the API's {"error":{…}} shape.

export type CreatedKey = KeyView & { key: string };
export type RolledKey = CreatedKey & { previous_key: KeyView };
export type KeyEnvironment = KeyView["environment"];

/** The policy fields of a create or PATCH body; null clears a limit or allows everything. */
export interface KeyPolicyInput {
  permissions?: Permission[];
  limits?: {
    requests_per_minute?: number | string | null;
    tokens_per_minute?: number | string | null;
    monthly_budget_usd?: number | string | null;
  };
  allowed_providers?: string[] | null;
  allowed_models?: string[] | null;
  expires_at?: string | null;
}

export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly param?: string,
  ) {
    super(message);
    this.name = "ApiRequestError";
  }
}

async function send<T>(url: string, method: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: body === undefined ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new ApiRequestError("Could not reach the NeuronEdge server. Check that it is running, then try again.");
  }
  const data = (await res.json().catch(() => null)) as { error?: { message?: string; param?: string } } | null;
  if (!res.ok) {
    throw new ApiRequestError(data?.error?.message ?? `The request failed (HTTP ${res.status}).`, data?.error?.param);
  }
  return data as T;
}

export function createKeyRequest(input: { name: string; environment: KeyEnvironment } & KeyPolicyInput): Promise<CreatedKey> {
  return send<CreatedKey>("/api/keys", "POST", input);
}

export function renameKeyRequest(id: string, name: string): Promise<KeyView> {
  return send<KeyView>(`/api/keys/${encodeURIComponent(id)}`, "PATCH", { name });
}

export function updateKeyRequest(id: string, changes: KeyPolicyInput): Promise<KeyView> {
  return send<KeyView>(`/api/keys/${encodeURIComponent(id)}`, "PATCH", changes);
}

export function rollKeyRequest(id: string, graceSeconds: number): Promise<RolledKey> {
  return send<RolledKey>(`/api/keys/${encodeURIComponent(id)}/roll`, "POST", { grace_seconds: graceSeconds });
}

export function revokeKeyRequest(id: string): Promise<{ success: true; message: string }> {
  return send(`/api/keys/${encodeURIComponent(id)}`, "DELETE");
}

/** Disabling or enabling twice changes nothing and still answers with the key. */
export function disableKeyRequest(id: string): Promise<KeyView> {
  return send<KeyView>(`/api/keys/${encodeURIComponent(id)}/disable`, "POST");
}

export function enableKeyRequest(id: string): Promise<KeyView> {
  return send<KeyView>(`/api/keys/${encodeURIComponent(id)}/enable`, "POST");
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : "Something went wrong. Please try again.";
}
