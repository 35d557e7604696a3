import { afterAll, beforeAll, expect } from "vitest";
import { call } from "@/testing/api";
import { enableTestClerk, type SessionClaims, type TestClerk } from "@/testing/clerk";
import { uniqueOwner } from "@/testing/db";

// What the management API's security tests (lib/keys/*.security.db.test.ts) share: Clerk session
// tokens signed for this file, gateway keys as Bearer credentials, and the refusal they expect.

export type Headers = Record<string, string>;
export type SessionFor = (claims?: Omit<SessionClaims, "sub"> & { sub?: string }) => Promise<Headers>;

/** Clerk mode for this test file; each call signs in a new user (or `sub`) with the claims given. */
export function useSessions(): SessionFor {
  let clerk: TestClerk | undefined;
  beforeAll(async () => {
    clerk = await enableTestClerk();
  });
  afterAll(() => clerk?.restore());
  return async (claims = {}) => ({
    authorization: `Bearer ${await clerk!.sessionToken({ sub: uniqueOwner("user"), ...claims })}`,
  });
}

export const bearer = (key: string): Headers => ({ authorization: `Bearer ${key}` });

export const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

/** Creates a key through the API and returns its record, secret included. */
export async function makeKey(headers: Headers, body: Record<string, unknown>) {
  const res = await call("POST", "/api/keys", { headers, body });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

/** An answer in the documented error shape, with this status and param (undefined: none named). */
export function expectRefused(res: { status: number; json: { error: Record<string, string> } }, status: number, param?: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.json.error).toMatchObject({
    message: expect.any(String),
    type: status === 403 ? "permission_error" : "invalid_request_error",
    code: expect.any(String),
  });
  expect(res.json.error.param).toBe(param);
}
