import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { call } from "@/testing/api";
import { APP_ORIGIN, enableTestClerk, type TestClerk } from "@/testing/clerk";
import { uniqueOwner, useDatabase } from "@/testing/db";

useDatabase();

const LIST_FIELDS = ["id", "name", "prefix", "created_at", "last_used_at"];
const ISO_UTC = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

function expectError(res: { status: number; json: unknown }, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.json).toEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String), code }) });
  expect(JSON.stringify(res.json)).not.toMatch(/\n\s+at /); // no stack traces
}

describe("management API in local mode", () => {
  it("creates a live key by default and shows it exactly once", async () => {
    const name = `Production API Key ${uniqueOwner()}`;
    const res = await call("POST", "/api/keys", { body: { name } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: expect.stringMatching(/^key_[0-9A-Za-z]{12}$/), name, environment: "live" });
    expect(res.json.created_at).toMatch(ISO_UTC);
    const { id, key } = res.json;
    expect(key).toMatch(/^ne_live_[0-9A-Za-z]{40}$/);
    expect(key.startsWith(`ne_live_${id.slice(4)}`)).toBe(true); // id key_xyz789 ↔ key ne_live_xyz789…
    expect(res.headers.get("cache-control")).toBe("no-store");

    const list = await call("GET", "/api/keys");
    expect(list.status).toBe(200);
    const listed = list.json.keys.find((k: { id: string }) => k.id === id);
    for (const f of LIST_FIELDS) expect(listed).toHaveProperty(f);
    expect(listed).toMatchObject({ name, prefix: key.slice(0, listed.prefix.length), last_used_at: null, status: "active" });
    expect(listed.prefix).toMatch(/^ne_live_[0-9A-Za-z]{3,}$/);
    expect(listed).not.toHaveProperty("key");
    expect(listed).not.toHaveProperty("key_hash");
    expect(list.text).not.toContain(key);
    expect(list.text).not.toContain(key.slice(listed.prefix.length));

    const one = await call("GET", `/api/keys/${id}`);
    expect(one.status).toBe(200);
    expect(one.text).not.toContain(key);
    expect(one.json).toMatchObject({ id, name, status: "active" });
  });

  it("creates test keys with environment 'test'", async () => {
    const res = await call("POST", "/api/keys", { body: { name: "dev", environment: "test" } });
    expect(res.status).toBe(201);
    expect(res.json.key).toMatch(/^ne_test_/);
    expect(res.json.environment).toBe("test");
  });

  it("renames a key", async () => {
    const { json } = await call("POST", "/api/keys", { body: { name: "old name" } });
    const res = await call("PATCH", `/api/keys/${json.id}`, { body: { name: "  new name  " } });
    expect(res.status).toBe(200);
    expect(res.json.name).toBe("new name");
    expect((await call("GET", `/api/keys/${json.id}`)).json.name).toBe("new name");
  });

  it("revokes one key without touching the others, and keeps it for history", async () => {
    const a = (await call("POST", "/api/keys", { body: { name: "to revoke" } })).json;
    const b = (await call("POST", "/api/keys", { body: { name: "to keep" } })).json;
    const res = await call("DELETE", `/api/keys/${a.id}`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ success: true, message: "API key revoked successfully" });

    const ids = (await call("GET", "/api/keys")).json.keys.map((k: { id: string }) => k.id);
    expect(ids).not.toContain(a.id);
    expect(ids).toContain(b.id);
    const all = (await call("GET", "/api/keys?include_revoked=true")).json.keys;
    const revoked = all.find((k: { id: string }) => k.id === a.id);
    expect(revoked).toMatchObject({ status: "revoked", revoked_at: expect.stringMatching(ISO_UTC) });
    expect((await call("GET", `/api/keys/${a.id}`)).json.status).toBe("revoked");

    // The revoked key no longer authenticates; its sibling still does.
    expectError(await call("GET", "/api/keys", { headers: { authorization: `Bearer ${a.key}` } }), 401, "unauthorized");
    const db = await getDb();
    const [row] = await db.select().from(apiKeys).where(eq(apiKeys.id, a.id));
    expect(row.revokedAt).toBeInstanceOf(Date);

    // Revoking twice is harmless and keeps the first revocation time.
    const again = await call("DELETE", `/api/keys/${a.id}`);
    expect(again.status).toBe(200);
    expect(again.json.revoked_at).toBe(res.json.revoked_at);
  });

  describe("bad input", () => {
    it("malformed JSON → 400", async () => {
      expectError(
        await call("POST", "/api/keys", { rawBody: '{"name":', headers: { "content-type": "application/json" } }),
        400,
        "invalid_json",
      );
    });

    it.each([
      ["missing", {}, "name is required."],
      ["empty", { name: "" }, "name must not be empty."],
      ["blank", { name: "   " }, "name must not be empty."],
      ["over-long", { name: "x".repeat(101) }, "name must be at most 100 characters."],
      ["not a string", { name: 42 }, "name must be a string."],
    ])("%s name → 400 naming the field", async (_label, body, message) => {
      const res = await call("POST", "/api/keys", { body });
      expectError(res, 400, "bad_request");
      expect(res.json.error).toMatchObject({ message, param: "name" });
    });

    it("NUL (\\u0000) anywhere, which Postgres cannot store → 400 naming the field, not a 500", async () => {
      const { json } = await call("POST", "/api/keys", { body: { name: "valid" } });
      const cases = [
        await call("POST", "/api/keys", { body: { name: "a\u0000b" } }),
        await call("PATCH", `/api/keys/${json.id}`, { body: { allowed_models: ["gpt-4o", "gpt\u0000*"] } }),
        await call("GET", "/api/keys/key_%00x"),
        await call("GET", "/api/usage?model=gpt%00"),
        await call("GET", "/api/audit?key_id=%00"),
      ];
      expect(cases.map((r) => [r.status, r.json.error.param])).toEqual([
        [400, "name"],
        [400, "allowed_models.1"],
        [400, "id"],
        [400, "model"],
        [400, "key_id"],
      ]);
      expect(cases[0].json.error.message).toBe("name must not contain NUL (\\u0000) characters or unpaired surrogates (such as \\udfff).");
      // Nothing was half-done: the key kept its policy.
      expect((await call("GET", `/api/keys/${json.id}`)).json.allowed_models).toBeNull();
    });

    it("accepts a name of exactly 100 characters", async () => {
      expect((await call("POST", "/api/keys", { body: { name: "y".repeat(100) } })).status).toBe(201);
    });

    it("unknown environment or permission → 400 naming the field", async () => {
      const env = await call("POST", "/api/keys", { body: { name: "x", environment: "prod" } });
      expectError(env, 400, "bad_request");
      expect(env.json.error.param).toBe("environment");
      const perm = await call("POST", "/api/keys", { body: { name: "x", permissions: ["admin"] } });
      expectError(perm, 400, "bad_request");
      expect(perm.json.error.param).toBe("permissions.0");
    });

    it("renaming to an invalid name → 400", async () => {
      const { json } = await call("POST", "/api/keys", { body: { name: "valid" } });
      expectError(await call("PATCH", `/api/keys/${json.id}`, { body: { name: "" } }), 400, "bad_request");
    });

    it("unknown key id → 404 for read, rename and revoke", async () => {
      for (const id of ["key_doesnotexist", "nonsense"]) {
        expectError(await call("GET", `/api/keys/${id}`), 404, "not_found");
        expectError(await call("PATCH", `/api/keys/${id}`, { body: { name: "x" } }), 404, "not_found");
        expectError(await call("DELETE", `/api/keys/${id}`), 404, "not_found");
      }
    });

    it("wrong method → 405 with Allow", async () => {
      const put = await call("PUT", "/api/keys");
      expectError(put, 405, "method_not_allowed");
      expect(put.headers.get("allow")).toBe("GET, POST");
      const post = await call("POST", "/api/keys/key_abc");
      expectError(post, 405, "method_not_allowed");
      expect(post.headers.get("allow")).toBe("GET, PATCH, DELETE");
    });
  });

  describe("local-mode guards", () => {
    it("refuses a non-loopback Host (DNS rebinding)", async () => {
      for (const host of ["evil.example", "evil.example:3000", "10.0.0.5:3000"]) {
        expectError(await call("GET", "/api/keys", { headers: { host } }), 403, "forbidden");
      }
      for (const host of ["127.0.0.1:3000", "localhost", "[::1]:3000", "app.localhost:3000"]) {
        expect((await call("GET", "/api/keys", { headers: { host } })).status).toBe(200);
      }
    });

    it("refuses cross-site changes, allows our own pages and scripts", async () => {
      expectError(
        await call("POST", "/api/keys", { body: { name: "csrf" }, headers: { origin: "http://evil.example" } }),
        403,
        "forbidden",
      );
      expectError(
        await call("POST", "/api/keys", { body: { name: "csrf" }, headers: { "sec-fetch-site": "cross-site" } }),
        403,
        "forbidden",
      );
      const own = await call("POST", "/api/keys", { body: { name: "own page" }, headers: { origin: APP_ORIGIN } });
      expect(own.status).toBe(201);
      // Reads are not changes: a cross-origin GET cannot read the answer anyway (no CORS).
      expect((await call("GET", "/api/keys", { headers: { origin: "http://evil.example" } })).status).toBe(200);
    });

    it("refuses a bearer token that is not a gateway key", async () => {
      expectError(await call("GET", "/api/keys", { headers: { authorization: "Bearer eyJhbGciOi.x.y" } }), 401, "unauthorized");
      expectError(await call("GET", "/api/keys", { headers: { authorization: "Basic abc" } }), 401, "unauthorized");
    });
  });

  describe("gateway keys calling the management API", () => {
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

    it("a proxy-only key (the default) cannot manage keys", async () => {
      const { json } = await call("POST", "/api/keys", { body: { name: "proxy only" } });
      expect(json.permissions).toEqual(["proxy"]);
      const res = await call("GET", "/api/keys", { headers: bearer(json.key) });
      expectError(res, 403, "forbidden");
      expect(res.json.error.message).toContain("keys:read");
    });

    it("a keys:read key lists its owner's keys but cannot create", async () => {
      const { json } = await call("POST", "/api/keys", { body: { name: "reader", permissions: ["keys:read"] } });
      const list = await call("GET", "/api/keys", { headers: bearer(json.key) });
      expect(list.status).toBe(200);
      expect(list.json.keys.map((k: { id: string }) => k.id)).toContain(json.id);
      expectError(await call("POST", "/api/keys", { headers: bearer(json.key), body: { name: "nope" } }), 403, "forbidden");
    });

    it("a keys:write key creates keys but cannot grant more than it holds", async () => {
      const { json: manager } = await call("POST", "/api/keys", {
        body: { name: "manager", permissions: ["proxy", "keys:read", "keys:write"] },
      });
      const made = await call("POST", "/api/keys", { headers: bearer(manager.key), body: { name: "child", permissions: ["proxy"] } });
      expect(made.status).toBe(201);
      expect(made.json.created_by).toBe(manager.id);
      const escalate = await call("POST", "/api/keys", {
        headers: bearer(manager.key),
        body: { name: "escalate", permissions: ["usage:read"] },
      });
      expectError(escalate, 403, "forbidden");
      expect(escalate.json.error.message).toContain("usage:read");
      expect((await call("DELETE", `/api/keys/${made.json.id}`, { headers: bearer(manager.key) })).status).toBe(200);
    });

    it("an invalid or mistyped key gets 401", async () => {
      const { json } = await call("POST", "/api/keys", { body: { name: "typo target", permissions: ["keys:read"] } });
      // Two characters changed, never to what they were (one key in a few thousand ends in "zz").
      const typo = json.key.slice(0, -2) + (json.key.endsWith("zz") ? "yy" : "zz");
      expectError(await call("GET", "/api/keys", { headers: bearer(typo) }), 401, "unauthorized");
      expectError(await call("GET", "/api/keys", { headers: bearer("ne_live_short") }), 401, "unauthorized");
    });
  });
});

describe("management API in Clerk mode (networkless session tokens)", () => {
  let clerk: TestClerk;
  beforeAll(async () => {
    clerk = await enableTestClerk();
  });
  afterAll(() => clerk.restore());

  const as = async (sub: string, org?: string) => ({ authorization: `Bearer ${await clerk.sessionToken({ sub, org })}` });

  it("requires a session", async () => {
    const res = await call("GET", "/api/keys");
    expectError(res, 401, "unauthorized");
  });

  it("keeps each user's keys to that user: others get 404, never 403", async () => {
    const alice = uniqueOwner("user_alice");
    const bob = uniqueOwner("user_bob");
    const created = await call("POST", "/api/keys", { headers: await as(alice), body: { name: "alice's key" } });
    expect(created.status).toBe(201);
    expect(created.json.created_by).toBe(alice);
    const id = created.json.id;

    const bobList = await call("GET", "/api/keys", { headers: await as(bob) });
    expect(bobList.status).toBe(200);
    expect(bobList.json.keys).toEqual([]);
    expectError(await call("GET", `/api/keys/${id}`, { headers: await as(bob) }), 404, "not_found");
    expectError(await call("PATCH", `/api/keys/${id}`, { headers: await as(bob), body: { name: "mine now" } }), 404, "not_found");
    expectError(await call("DELETE", `/api/keys/${id}`, { headers: await as(bob) }), 404, "not_found");

    const aliceView = await call("GET", `/api/keys/${id}`, { headers: await as(alice) });
    expect(aliceView.json).toMatchObject({ name: "alice's key", status: "active" });
  });

  it("a key belongs to the active organization, shared by its members", async () => {
    const org = uniqueOwner("org");
    const alice = uniqueOwner("user_alice");
    const carol = uniqueOwner("user_carol");
    const created = await call("POST", "/api/keys", { headers: await as(alice, org), body: { name: "team key" } });
    const carolList = await call("GET", "/api/keys", { headers: await as(carol, org) });
    expect(carolList.json.keys.map((k: { id: string }) => k.id)).toEqual([created.json.id]);
    // Outside the organization (personal account), the team's key is not there.
    expect((await call("GET", "/api/keys", { headers: await as(alice) })).json.keys).toEqual([]);
  });

  it("refuses expired, foreign-signed and wrong-origin session tokens", async () => {
    const sub = uniqueOwner("user");
    const expired = await clerk.sessionToken({ sub, expiresIn: "-1m" });
    expectError(await call("GET", "/api/keys", { headers: { authorization: `Bearer ${expired}` } }), 401, "unauthorized");
    const wrongParty = await clerk.sessionToken({ sub, azp: "https://evil.example" });
    expectError(await call("GET", "/api/keys", { headers: { authorization: `Bearer ${wrongParty}` } }), 401, "unauthorized");
    const other = await enableTestClerk(); // a different signing key
    const foreign = await other.sessionToken({ sub });
    other.restore();
    expectError(await call("GET", "/api/keys", { headers: { authorization: `Bearer ${foreign}` } }), 401, "unauthorized");
    // A session cookie that is not even valid percent-encoding is just another bad token.
    expectError(await call("GET", "/api/keys", { headers: { cookie: "__session=%E0%A4%A" } }), 401, "unauthorized");
  });

  it("accepts the __session cookie, and checks Origin on cookie-authenticated changes", async () => {
    const sub = uniqueOwner("user");
    const cookie = `__client_uat=1; __session=${await clerk.sessionToken({ sub })}`;
    expect((await call("GET", "/api/keys", { headers: { cookie } })).status).toBe(200);
    expectError(
      await call("POST", "/api/keys", { headers: { cookie, origin: "https://evil.example" }, body: { name: "csrf" } }),
      403,
      "forbidden",
    );
    const ok = await call("POST", "/api/keys", { headers: { cookie, origin: APP_ORIGIN }, body: { name: "from the dashboard" } });
    expect(ok.status).toBe(201);
    expect(ok.json.created_by).toBe(sub);
  });

  it("answers any Host in Clerk mode (it serves the network)", async () => {
    const res = await call("GET", "/api/keys", { headers: { ...(await as(uniqueOwner("user"))), host: "gateway.example.com" } });
    expect(res.status).toBe(200);
  });

  it("a gateway key still works for the management API, for its own owner only", async () => {
    const alice = uniqueOwner("user_alice");
    const bob = uniqueOwner("user_bob");
    const bobKey = (await call("POST", "/api/keys", { headers: await as(bob), body: { name: "bob's" } })).json;
    const mgmt = (
      await call("POST", "/api/keys", { headers: await as(alice), body: { name: "ci", permissions: ["keys:read", "keys:write"] } })
    ).json;
    const headers = { authorization: `Bearer ${mgmt.key}` };
    expect((await call("GET", "/api/keys", { headers })).json.keys.map((k: { id: string }) => k.id)).toEqual([mgmt.id]);
    expectError(await call("DELETE", `/api/keys/${bobKey.id}`, { headers }), 404, "not_found");
  });
});
