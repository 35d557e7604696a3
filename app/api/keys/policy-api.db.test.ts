import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { clearVerifierCache, verifyKey } from "@/lib/keys/verifier";
import { call } from "@/testing/api";
import { enableTestClerk, type TestClerk } from "@/testing/clerk";
import { uniqueOwner, useDatabase } from "@/testing/db";

useDatabase();

let clerk: TestClerk;
beforeAll(async () => {
  clerk = await enableTestClerk();
});
afterAll(() => clerk.restore());

const as = async (sub: string, extra: Record<string, string> = {}) => ({
  authorization: `Bearer ${await clerk.sessionToken({ sub })}`,
  ...extra,
});

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

describe("key policy through the management API", () => {
  it("creates a key with limits, allow-lists and an expiry, and returns them on every read", async () => {
    const user = uniqueOwner("user_policy");
    const expires = inDays(30);
    const res = await call("POST", "/api/keys", {
      headers: await as(user),
      body: {
        name: "limited",
        limits: { requests_per_minute: 60, tokens_per_minute: 100_000, monthly_budget_usd: 25.5 },
        allowed_providers: ["openai", "anthropic"],
        allowed_models: ["gpt-5*", "claude-sonnet-5-5"],
        expires_at: expires,
      },
    });
    expect(res.status).toBe(201);
    const policy = {
      limits: { requests_per_minute: 60, tokens_per_minute: 100_000, monthly_budget_usd: 25.5 },
      allowed_providers: ["openai", "anthropic"],
      allowed_models: ["gpt-5*", "claude-sonnet-5-5"],
      expires_at: expires,
      status: "active",
    };
    expect(res.json).toMatchObject(policy);
    expect((await call("GET", `/api/keys/${res.json.id}`, { headers: await as(user) })).json).toMatchObject(policy);
    const listed = (await call("GET", "/api/keys", { headers: await as(user) })).json.keys[0];
    expect(listed).toMatchObject(policy);
  });

  it("defaults to no limits and no restrictions", async () => {
    const res = await call("POST", "/api/keys", { headers: await as(uniqueOwner("user")), body: { name: "plain" } });
    expect(res.json).toMatchObject({
      limits: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
      allowed_providers: null,
      allowed_models: null,
      expires_at: null,
    });
  });

  it("refuses invalid values with 400 naming the field", async () => {
    const h = await as(uniqueOwner("user"));
    const cases: [Record<string, unknown>, string][] = [
      [{ limits: { requests_per_minute: 0 } }, "limits.requests_per_minute"],
      [{ limits: { requests_per_minute: "10" } }, "limits.requests_per_minute"],
      [{ limits: { tokens_per_minute: 1.5 } }, "limits.tokens_per_minute"],
      [{ limits: { monthly_budget_usd: -1 } }, "limits.monthly_budget_usd"],
      [{ limits: { requests_per_hour: 5 } }, "limits"],
      [{ limits: 5 }, "limits"],
      [{ allowed_providers: ["openai", "skynet"] }, "allowed_providers"],
      [{ allowed_providers: [] }, "allowed_providers"],
      [{ allowed_models: ["gpt-*-mini"] }, "allowed_models.0"],
      [{ allowed_models: "gpt-5" }, "allowed_models"],
      [{ expires_at: "2020-01-01T00:00:00Z" }, "expires_at"],
      [{ expires_at: "next tuesday" }, "expires_at"],
    ];
    for (const [body, param] of cases) {
      const res = await call("POST", "/api/keys", { headers: h, body: { name: "bad", ...body } });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.param, JSON.stringify(body)).toBe(param);
      const patch = await call("PATCH", "/api/keys/key_doesnotexist1", { headers: h, body });
      expect(patch.status, `PATCH ${JSON.stringify(body)}`).toBe(400);
    }
    expect((await call("GET", "/api/keys", { headers: h })).json.keys).toEqual([]); // nothing half-created
  });

  it("changes a policy field by field; null clears a limit or a list", async () => {
    const user = uniqueOwner("user");
    const h = await as(user);
    const { json: k } = await call("POST", "/api/keys", {
      headers: h,
      body: { name: "k", limits: { requests_per_minute: 10, monthly_budget_usd: 5 }, allowed_models: ["gpt-5"] },
    });
    const res = await call("PATCH", `/api/keys/${k.id}`, {
      headers: h,
      body: { limits: { requests_per_minute: 120, monthly_budget_usd: null }, allowed_models: null },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      name: "k",
      limits: { requests_per_minute: 120, tokens_per_minute: null, monthly_budget_usd: null },
      allowed_models: null,
    });
    const nothing = await call("PATCH", `/api/keys/${k.id}`, { headers: h, body: {} });
    expect(nothing.status).toBe(400);
  });

  it("a policy change reaches the gateway at once: the cached verification is dropped", async () => {
    const h = await as(uniqueOwner("user"));
    const { json: k } = await call("POST", "/api/keys", { headers: h, body: { name: "k" } });
    expect((await verifyKey(k.key)).ok).toBe(true); // cached now
    await call("PATCH", `/api/keys/${k.id}`, { headers: h, body: { allowed_providers: ["anthropic"] } });
    const after = await verifyKey(k.key);
    expect(after.ok && after.key.policy.allowedProviders).toEqual(["anthropic"]);
  });

  it("a management key cannot raise a key's permissions beyond its own, nor change a key that can do more", async () => {
    const h = await as(uniqueOwner("user"));
    const create = async (body: Record<string, unknown>) => (await call("POST", "/api/keys", { headers: h, body })).json;
    const manager = await create({ name: "m", permissions: ["proxy", "keys:read", "keys:write"] });
    const target = await create({ name: "t" });
    const asManager = { authorization: `Bearer ${manager.key}` };
    const escalate = await call("PATCH", `/api/keys/${target.id}`, {
      headers: asManager,
      body: { permissions: ["proxy", "usage:read"] },
    });
    expect(escalate.status).toBe(403);
    expect(escalate.json.error.param).toBe("permissions");
    const fine = await call("PATCH", `/api/keys/${target.id}`, { headers: asManager, body: { limits: { requests_per_minute: 5 } } });
    expect(fine.status).toBe(200);

    // Without 'proxy' itself, a key may not manage a key that has it, even to lower its limits.
    const scriptOnly = await create({ name: "s", permissions: ["keys:read", "keys:write"] });
    const lower = await call("PATCH", `/api/keys/${target.id}`, {
      headers: { authorization: `Bearer ${scriptOnly.key}` },
      body: { limits: { requests_per_minute: 1 } },
    });
    expect(lower.status).toBe(403);
    expect(lower.json.error.param).toBe("permissions");
    expect((await call("GET", `/api/keys/${target.id}`, { headers: h })).json.limits.requests_per_minute).toBe(5);
  });
});

describe("rolling a key", () => {
  it("creates a successor with the same name and policy, shown once; the old key works through the grace period", async () => {
    const h = await as(uniqueOwner("user"));
    const { json: old } = await call("POST", "/api/keys", {
      headers: h,
      body: { name: "prod", limits: { requests_per_minute: 30 }, allowed_providers: ["openai"] },
    });
    const before = Date.now();
    const res = await call("POST", `/api/keys/${old.id}/roll`, { headers: h, body: { grace_seconds: 3600 } });
    expect(res.status).toBe(201);
    const fresh = res.json;
    expect(fresh.key).toMatch(/^ne_live_/);
    expect(fresh.key).not.toBe(old.key);
    expect(fresh).toMatchObject({
      name: "prod",
      rolled_from: old.id,
      limits: { requests_per_minute: 30 },
      allowed_providers: ["openai"],
      status: "active",
    });
    expect(fresh.previous_key).toMatchObject({ id: old.id, replaced_by: fresh.id, status: "active" });
    const oldExpiry = Date.parse(fresh.previous_key.expires_at);
    expect(oldExpiry).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(oldExpiry).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

    clearVerifierCache();
    expect((await verifyKey(old.key)).ok).toBe(true);
    expect((await verifyKey(fresh.key)).ok).toBe(true);
    const list = (await call("GET", "/api/keys", { headers: h })).json.keys;
    expect(list.map((k: { id: string }) => k.id)).toEqual(expect.arrayContaining([old.id, fresh.id]));
    expect(JSON.stringify(list)).not.toContain(fresh.key);

    const again = await call("POST", `/api/keys/${old.id}/roll`, { headers: h, body: {} });
    expect(again.status).toBe(409);
    expect(again.json.error.message).toContain(fresh.id);
  });

  it("with no grace period the old key stops at once, on this instance too", async () => {
    const h = await as(uniqueOwner("user"));
    const { json: old } = await call("POST", "/api/keys", { headers: h, body: { name: "now" } });
    expect((await verifyKey(old.key)).ok).toBe(true); // cached
    const res = await call("POST", `/api/keys/${old.id}/roll`, { headers: h });
    expect(res.status).toBe(201);
    expect(await verifyKey(old.key)).toEqual({ ok: false, reason: "expired" });
    expect((await verifyKey(res.json.key)).ok).toBe(true);
  });

  it("refuses bad grace periods, revoked keys and other owners' keys", async () => {
    const user = uniqueOwner("user");
    const h = await as(user);
    const { json: k } = await call("POST", "/api/keys", { headers: h, body: { name: "x" } });
    for (const grace of [-1, 604_801, 1.5, "1h"]) {
      const res = await call("POST", `/api/keys/${k.id}/roll`, { headers: h, body: { grace_seconds: grace } });
      expect(res.status, String(grace)).toBe(400);
      expect(res.json.error.param).toBe("grace_seconds");
    }
    expect((await call("POST", `/api/keys/${k.id}/roll`, { headers: await as(uniqueOwner("other")) })).status).toBe(404);
    await call("DELETE", `/api/keys/${k.id}`, { headers: h });
    expect((await call("POST", `/api/keys/${k.id}/roll`, { headers: h })).status).toBe(409);
  });

  it("concurrent rolls of one key: exactly one succeeds", async () => {
    const user = uniqueOwner("user");
    const h = await as(user);
    const { json: k } = await call("POST", "/api/keys", { headers: h, body: { name: "race" } });
    const results = await Promise.all(
      Array.from({ length: 5 }, () => call("POST", `/api/keys/${k.id}/roll`, { headers: h, body: { grace_seconds: 60 } })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const keys = (await call("GET", "/api/keys", { headers: h })).json.keys;
    expect(keys).toHaveLength(2); // the old key and one successor: no orphans
  });
});

describe("audit log", () => {
  const savedProxies = process.env.TRUSTED_PROXIES;
  const trustProxies = (list: string | undefined) => {
    if (list === undefined) delete process.env.TRUSTED_PROXIES;
    else process.env.TRUSTED_PROXIES = list;
    resetEnv();
  };
  afterEach(() => trustProxies(savedProxies));

  it("records who did what, when and from where, newest first, for the owner only", async () => {
    trustProxies("10.0.0.0/8"); // the proxy in front appends the address it saw
    const user = uniqueOwner("user_audit");
    const h = await as(user, { "x-forwarded-for": "203.0.113.7, 10.0.0.1" });
    const { json: k } = await call("POST", "/api/keys", { headers: h, body: { name: "audited" } });
    await call("PATCH", `/api/keys/${k.id}`, { headers: h, body: { name: "renamed" } });
    await call("PATCH", `/api/keys/${k.id}`, { headers: h, body: { limits: { requests_per_minute: 9 } } });
    const rolled = (await call("POST", `/api/keys/${k.id}/roll`, { headers: h, body: { grace_seconds: 60 } })).json;
    await call("DELETE", `/api/keys/${rolled.id}`, { headers: h });

    const res = await call("GET", `/api/audit?key_id=${k.id}`, { headers: h });
    expect(res.status).toBe(200);
    expect(res.json.events.map((e: { action: string }) => e.action)).toEqual(["key.roll", "key.update", "key.rename", "key.create"]);
    const [roll, update, rename] = res.json.events;
    expect(rename.details).toEqual({ name: { from: "audited", to: "renamed" } });
    expect(update.details).toEqual({
      limits: {
        from: { requests_per_minute: null, tokens_per_minute: null, monthly_budget_usd: null },
        to: { requests_per_minute: 9, tokens_per_minute: null, monthly_budget_usd: null },
      },
    });
    expect(roll.details).toMatchObject({ successor: rolled.id, grace_seconds: 60 });
    for (const e of res.json.events) expect(e).toMatchObject({ actor_id: user, ip: "203.0.113.7", key_id: k.id });

    const all = (await call("GET", "/api/audit", { headers: h })).json.events;
    expect(all.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(["key.revoke", "key.create"]);
    expect(JSON.stringify(all)).not.toContain(rolled.key); // never the key itself

    expect((await call("GET", "/api/audit", { headers: await as(uniqueOwner("other")) })).json.events).toEqual([]);
    expect((await call("GET", "/api/audit?limit=0", { headers: h })).status).toBe(400);
    const page = (await call("GET", "/api/audit?limit=2", { headers: h })).json;
    expect(page.events).toHaveLength(2);
    const next = (await call("GET", `/api/audit?limit=2&before=${page.next_before}`, { headers: h })).json;
    expect(next.events[0].id).toBeLessThan(page.events[1].id);
  });

  it("records an address only as far as trusted proxies vouch for it: a spoofed X-Forwarded-For is not believed", async () => {
    const ipOfCreate = async (forwardedFor: string) => {
      const h = await as(uniqueOwner("user_ip"), { "x-forwarded-for": forwardedFor });
      const { json: k } = await call("POST", "/api/keys", { headers: h, body: { name: "from somewhere" } });
      return (await call("GET", `/api/audit?key_id=${k.id}`, { headers: h })).json.events[0].ip;
    };
    trustProxies(undefined); // the default: nobody in front is trusted, so no claim is recorded
    expect(await ipOfCreate("203.0.113.7")).toBeNull();
    trustProxies("10.0.0.0/8");
    expect(await ipOfCreate("203.0.113.7, 10.0.0.1")).toBe("203.0.113.7");
    // The claim came through 6.6.6.6, which no trusted proxy vouches for: that hop is the client.
    expect(await ipOfCreate("203.0.113.7, 6.6.6.6, 10.0.0.1")).toBe("6.6.6.6");
    expect(await ipOfCreate("203.0.113.7, 6.6.6.6")).toBe("6.6.6.6");
  });
});
