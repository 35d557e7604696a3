import { afterEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { call } from "@/testing/api";
import { APP_ORIGIN } from "@/testing/clerk";
import { uniqueOwner, useDatabase } from "@/testing/db";
import { bearer, expectRefused, makeKey, useSessions, type Headers } from "./management.fixtures";

// Attacks replayed on the management API (2026-12-02, item 16): any member of a Clerk organisation
// could rename, revoke and roll every key of it. Now org:admin manages keys, org:member only reads
// (unless CLERK_MEMBER_CAN_MANAGE_KEYS), and the audit log records the role.

useDatabase();
const session = useSessions();

const saved = process.env.CLERK_MEMBER_CAN_MANAGE_KEYS;
afterEach(() => {
  if (saved === undefined) delete process.env.CLERK_MEMBER_CAN_MANAGE_KEYS;
  else process.env.CLERK_MEMBER_CAN_MANAGE_KEYS = saved;
  resetEnv();
});

function membersMayManage() {
  process.env.CLERK_MEMBER_CAN_MANAGE_KEYS = "true";
  resetEnv();
}

async function orgWithKey() {
  const org = uniqueOwner("org");
  const admin = await session({ org, role: "admin" });
  const key = await makeKey(admin, { name: "team key" });
  return { org, admin, key };
}

/** The dashboard's way in: the session in the `__session` cookie, from our own origin. */
function asCookie(headers: Headers): Headers {
  return { cookie: `__session=${headers.authorization.slice("Bearer ".length)}`, origin: APP_ORIGIN };
}

describe("Clerk organisation roles (item 16)", () => {
  it("a member cannot create, rename, revoke or roll the organisation's keys (403), by token or cookie", async () => {
    const { org, admin, key } = await orgWithKey();
    const v2 = await session({ org, role: "member" });
    for (const member of [v2, asCookie(v2), await session({ org, role: "member", version: 1 })]) {
      expectRefused(await call("POST", "/api/keys", { headers: member, body: { name: "mine" } }), 403, undefined);
      const rename = await call("PATCH", `/api/keys/${key.id}`, { headers: member, body: { name: "hijacked" } });
      expectRefused(rename, 403, undefined);
      expect(rename.json.error.message).toBe(
        "Your role in this organization (org:member) cannot do this: it needs 'keys:write'. Ask an organization admin.",
      );
      expectRefused(await call("DELETE", `/api/keys/${key.id}`, { headers: member }), 403, undefined);
      expectRefused(await call("POST", `/api/keys/${key.id}/roll`, { headers: member, body: {} }), 403, undefined);
    }
    expect((await call("GET", `/api/keys/${key.id}`, { headers: admin })).json).toMatchObject({
      name: "team key",
      status: "active",
      replaced_by: null,
    });
    expect((await call("GET", "/api/keys", { headers: admin })).json.keys).toHaveLength(1);
  });

  it("a custom role, or a token without one, is a member; a v1 token's org:admin manages keys", async () => {
    const { org, key } = await orgWithKey();
    for (const role of ["billing", ""]) {
      const other = await session({ org, role });
      expectRefused(await call("PATCH", `/api/keys/${key.id}`, { headers: other, body: { name: "x" } }), 403, undefined);
    }
    const v1Admin = await session({ org, role: "admin", version: 1 });
    expect((await call("PATCH", `/api/keys/${key.id}`, { headers: v1Admin, body: { name: "renamed by v1" } })).status).toBe(200);
  });

  it("a member reads keys, audit and usage", async () => {
    const { org, key } = await orgWithKey();
    const member = await session({ org, role: "member" });
    const list = await call("GET", "/api/keys", { headers: member });
    expect(list.status).toBe(200);
    expect(list.json.keys.map((k: { id: string }) => k.id)).toEqual([key.id]);
    expect((await call("GET", `/api/keys/${key.id}`, { headers: member })).status).toBe(200);
    expect((await call("GET", "/api/audit", { headers: member })).status).toBe(200);
    expect((await call("GET", "/api/usage", { headers: member })).status).toBe(200);
  });

  it("CLERK_MEMBER_CAN_MANAGE_KEYS=true lets members manage keys", async () => {
    membersMayManage();
    const { org, key } = await orgWithKey();
    const member = await session({ org, role: "member" });
    expect((await call("PATCH", `/api/keys/${key.id}`, { headers: member, body: { name: "by a member" } })).status).toBe(200);
    const rolled = await call("POST", `/api/keys/${key.id}/roll`, { headers: member, body: {} });
    expect(rolled.status).toBe(201);
    expect((await call("POST", "/api/keys", { headers: member, body: { name: "member's" } })).status).toBe(201);
    expect((await call("DELETE", `/api/keys/${rolled.json.id}`, { headers: member })).status).toBe(200);
  });

  it("without an active organisation a user owns their personal keys fully", async () => {
    const me = await session();
    const k = await makeKey(me, { name: "personal", permissions: ["proxy", "usage:read"] });
    expect((await call("PATCH", `/api/keys/${k.id}`, { headers: me, body: { name: "renamed" } })).status).toBe(200);
    expect((await call("DELETE", `/api/keys/${k.id}`, { headers: me })).status).toBe(200);
  });

  it("the audit log records the actor's role", async () => {
    membersMayManage();
    const { org, admin, key } = await orgWithKey();
    await call("PATCH", `/api/keys/${key.id}`, { headers: await session({ org, role: "member" }), body: { name: "member rename" } });
    const manager = await makeKey(admin, { name: "mgmt", permissions: ["proxy", "keys:read", "keys:write"] });
    await call("PATCH", `/api/keys/${key.id}`, { headers: bearer(manager.key), body: { name: "key rename" } });

    const events = (await call("GET", `/api/audit?key_id=${key.id}`, { headers: admin })).json.events;
    expect(events.map((e: { action: string; actor_role: string | null }) => [e.action, e.actor_role])).toEqual([
      ["key.rename", null], // a gateway key has no organisation role
      ["key.rename", "org:member"],
      ["key.create", "org:admin"],
    ]);
    const me = await session();
    await makeKey(me, { name: "personal" });
    expect((await call("GET", "/api/audit", { headers: me })).json.events[0].actor_role).toBeNull();
  });
});
