import { describe, expect, it } from "vitest";
import { clearVerifierCache, verifyKey } from "@/lib/keys/verifier";
import { call } from "@/testing/api";
import { useDatabase } from "@/testing/db";
import { bearer, expectRefused, inDays, makeKey, useSessions } from "./management.fixtures";

// Attacks replayed on the management API (2026-12-02, item 15): a gateway key with keys:write
// lifting its own policy, minting or raising keys beyond it, a test key making live keys, and a
// write-only key reading records through PATCH or revoking keys that can do more than it.

useDatabase();
const session = useSessions();

/** A management key with a policy in every dimension, made by a personal account. */
async function restrictedManager(extra: Record<string, unknown> = {}) {
  const owner = await session();
  const expires = inDays(10);
  const manager = await makeKey(owner, {
    name: "restricted manager",
    permissions: ["proxy", "keys:read", "keys:write"],
    limits: { requests_per_minute: 60, tokens_per_minute: 10_000, monthly_budget_usd: 5 },
    allowed_providers: ["openai"],
    allowed_models: ["gpt-5*", "gpt-4o"],
    expires_at: expires,
    ...extra,
  });
  return { owner, manager, expires, as: bearer(manager.key) };
}

/** Everything `restrictedManager` may hand out, at its own level. */
const withinBounds = (expires: string) => ({
  permissions: ["proxy"],
  limits: { requests_per_minute: 60, tokens_per_minute: 10_000, monthly_budget_usd: 5 },
  allowed_providers: ["openai"],
  allowed_models: ["gpt-5-mini", "gpt-5.1*", "gpt-4o"],
  expires_at: expires,
});

describe("a key grants at most what it holds (item 15)", () => {
  it("lifting its own limits, allow-lists, expiry or permissions: 403; renaming itself is allowed", async () => {
    const { owner, manager, as } = await restrictedManager();
    const lifts: [Record<string, unknown>, string][] = [
      [{ limits: { requests_per_minute: null } }, "limits"],
      [{ limits: { monthly_budget_usd: 50 } }, "limits"],
      [{ allowed_providers: null }, "allowed_providers"],
      [{ allowed_models: ["o3"] }, "allowed_models"],
      [{ expires_at: null }, "expires_at"],
      [{ permissions: ["proxy", "keys:read"] }, "permissions"], // even dropping one is a change of its own policy
    ];
    for (const [body, param] of lifts) {
      expectRefused(await call("PATCH", `/api/keys/${manager.id}`, { headers: as, body }), 403, param);
    }
    const renamed = await call("PATCH", `/api/keys/${manager.id}`, { headers: as, body: { name: "still restricted" } });
    expect(renamed.status).toBe(200);
    const after = (await call("GET", `/api/keys/${manager.id}`, { headers: owner })).json;
    expect(after).toMatchObject({
      name: "still restricted",
      permissions: ["proxy", "keys:read", "keys:write"],
      limits: { requests_per_minute: 60, tokens_per_minute: 10_000, monthly_budget_usd: 5 },
      allowed_providers: ["openai"],
      allowed_models: ["gpt-5*", "gpt-4o"],
      expires_at: manager.expires_at,
    });
  });

  it("minting an unrestricted key: 403 naming the first field it would lift", async () => {
    const { as, expires } = await restrictedManager();
    const bounded = withinBounds(expires);
    const attempt = (body: Record<string, unknown>) => call("POST", "/api/keys", { headers: as, body: { name: "child", ...body } });

    const bare = await attempt({});
    expectRefused(bare, 403, "limits.requests_per_minute");
    expect(bare.json.error.message).toBe("Cannot grant no limits.requests_per_minute: this API key has one (60).");
    const above = await attempt({ ...bounded, limits: { ...bounded.limits, requests_per_minute: 61 } });
    expectRefused(above, 403, "limits.requests_per_minute");
    expect(above.json.error.message).toBe("Cannot grant limits.requests_per_minute above this API key's own (60).");
    expectRefused(await attempt({ ...bounded, limits: { ...bounded.limits, tokens_per_minute: null } }), 403, "limits.tokens_per_minute");
    expectRefused(await attempt({ ...bounded, limits: { ...bounded.limits, monthly_budget_usd: 5.01 } }), 403, "limits.monthly_budget_usd");
    expectRefused(await attempt({ ...bounded, allowed_providers: null }), 403, "allowed_providers");
    expectRefused(await attempt({ ...bounded, allowed_providers: ["openai", "anthropic"] }), 403, "allowed_providers");
    expectRefused(await attempt({ ...bounded, allowed_models: null }), 403, "allowed_models");
    expectRefused(await attempt({ ...bounded, allowed_models: ["gpt-*"] }), 403, "allowed_models"); // wider prefix
    expectRefused(await attempt({ ...bounded, allowed_models: ["gpt-4o*"] }), 403, "allowed_models"); // prefix of an exact name
    expectRefused(await attempt({ ...bounded, expires_at: null }), 403, "expires_at");
    expectRefused(await attempt({ ...bounded, expires_at: inDays(11) }), 403, "expires_at");
    expectRefused(await attempt({ ...bounded, permissions: ["usage:read"] }), 403, "permissions");

    const child = await attempt(bounded);
    expect(child.status).toBe(201);
    expect(child.json).toMatchObject({ allowed_models: ["gpt-5-mini", "gpt-5.1*", "gpt-4o"], created_by: expect.any(String) });
  });

  it("raising a key it made past its own policy: 403, the key unchanged", async () => {
    const { owner, as, expires } = await restrictedManager();
    const child = await makeKey(as, { name: "child", ...withinBounds(expires) });
    const raise = await call("PATCH", `/api/keys/${child.id}`, { headers: as, body: { limits: { requests_per_minute: 1000 } } });
    expectRefused(raise, 403, "limits.requests_per_minute");
    expectRefused(await call("PATCH", `/api/keys/${child.id}`, { headers: as, body: { expires_at: null } }), 403, "expires_at");
    const lower = await call("PATCH", `/api/keys/${child.id}`, { headers: as, body: { limits: { requests_per_minute: 10 } } });
    expect(lower.status).toBe(200);
    const now = (await call("GET", `/api/keys/${child.id}`, { headers: owner })).json;
    expect(now.limits.requests_per_minute).toBe(10);
    expect(now.expires_at).toBe(child.expires_at);
  });

  it("rolling: a key it could have made rolls; one beyond it does not, and a reader is told why", async () => {
    const { owner, as, expires } = await restrictedManager();
    const child = await makeKey(as, { name: "child", ...withinBounds(expires) });
    const rolled = await call("POST", `/api/keys/${child.id}/roll`, { headers: as, body: { grace_seconds: 60 } });
    expect(rolled.status).toBe(201);
    expect(rolled.json).toMatchObject({ rolled_from: child.id, expires_at: child.expires_at, limits: withinBounds(expires).limits });
    const free = await makeKey(owner, { name: "unrestricted" });
    const refused = await call("POST", `/api/keys/${free.id}/roll`, { headers: as, body: {} });
    expectRefused(refused, 403, "limits.requests_per_minute");
    expect(refused.json.error.message).toBe("Cannot roll this key: it can do more than this API key (limits.requests_per_minute).");
    expect((await call("GET", `/api/keys/${free.id}`, { headers: owner })).json).toMatchObject({ replaced_by: null, status: "active" });
  });

  it("a test key minting or managing live keys: 403", async () => {
    const owner = await session();
    const tester = await makeKey(owner, { name: "ci", environment: "test", permissions: ["proxy", "keys:read", "keys:write"] });
    const live = await makeKey(owner, { name: "prod" });
    const asTester = bearer(tester.key);
    expectRefused(await call("POST", "/api/keys", { headers: asTester, body: { name: "live from test" } }), 403, "environment");
    expectRefused(await call("PATCH", `/api/keys/${live.id}`, { headers: asTester, body: { name: "x" } }), 403, "environment");
    expectRefused(await call("POST", `/api/keys/${live.id}/roll`, { headers: asTester, body: {} }), 403, "environment");
    expectRefused(await call("DELETE", `/api/keys/${live.id}`, { headers: asTester }), 403, "environment");
    const made = await makeKey(asTester, { name: "test child", environment: "test" });
    expect(made.key).toMatch(/^ne_test_/);
    expect((await call("GET", `/api/keys/${live.id}`, { headers: owner })).json).toMatchObject({ name: "prod", status: "active" });
  });

  it("a write-only key reading a record through PATCH or roll: only id, status and what it sent", async () => {
    const owner = await session();
    const target = await makeKey(owner, {
      name: "secret name",
      permissions: ["proxy"],
      allowed_models: ["gpt-5*"],
      limits: { tokens_per_minute: 777 },
    });
    const writer = bearer((await makeKey(owner, { name: "writer", permissions: ["keys:write", "proxy"] })).key);
    expectRefused(await call("GET", `/api/keys/${target.id}`, { headers: writer }), 403, undefined);

    const patched = await call("PATCH", `/api/keys/${target.id}`, { headers: writer, body: { limits: { requests_per_minute: 5 } } });
    expect(patched.status).toBe(200);
    expect(patched.json).toEqual({ id: target.id, status: "active", limits: { requests_per_minute: 5 } });

    const rolled = await call("POST", `/api/keys/${target.id}/roll`, { headers: writer, body: { grace_seconds: 60 } });
    expect(rolled.status).toBe(201);
    expect(Object.keys(rolled.json).sort()).toEqual(["id", "key", "prefix", "previous_key", "rolled_from", "status"]);
    expect(Object.keys(rolled.json.previous_key).sort()).toEqual(["expires_at", "id", "status"]);
    expect(rolled.text).not.toContain("secret name");
    expect(rolled.text).not.toContain("777");

    const revoked = await call("DELETE", `/api/keys/${rolled.json.id}`, { headers: writer });
    expect(Object.keys(revoked.json).sort()).toEqual(["id", "message", "revoked_at", "success"]);
  });

  it("revoking a more powerful key: 403 without describing it, and the key keeps working; revoking itself is allowed", async () => {
    const owner = await session();
    const admin = await makeKey(owner, { name: "admin", permissions: ["proxy", "keys:read", "keys:write", "usage:read"] });
    const writer = await makeKey(owner, { name: "writer", permissions: ["keys:write"] });
    const res = await call("DELETE", `/api/keys/${admin.id}`, { headers: bearer(writer.key) });
    expectRefused(res, 403, undefined);
    expect(res.json.error.message).not.toContain("usage:read");
    expectRefused(await call("POST", `/api/keys/${admin.id}/roll`, { headers: bearer(writer.key), body: {} }), 403, undefined);
    clearVerifierCache();
    expect((await verifyKey(admin.key)).ok).toBe(true);

    expect((await call("DELETE", `/api/keys/${writer.id}`, { headers: bearer(writer.key) })).status).toBe(200);
    expect((await verifyKey(writer.key)).ok).toBe(false);
  });
});
