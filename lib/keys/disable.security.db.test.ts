import Anthropic from "@anthropic-ai/sdk";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as disableRoute from "@/app/api/keys/[id]/disable/route";
import * as enableRoute from "@/app/api/keys/[id]/enable/route";
import { getDb } from "@/db/client";
import { apiKeys } from "@/db/schema";
import { resetEnv } from "@/lib/env";
import { call } from "@/testing/api";
import { testCaller, uniqueOwner, useDatabase } from "@/testing/db";
import { startGateway, type Gateway } from "@/testing/gateway-harness";
import { anthropicClient, openaiClient } from "@/testing/sdk-clients";
import { bearer, expectRefused, type Headers, makeKey, useSessions } from "./management.fixtures";
import { createKey } from "./service";
import { clearVerifierCache, verifierStats, verifyKey } from "./verifier";

// Disable and enable (issue 18, item 8): a disabled key is refused at the gateway with a 401 that
// says so, until its owner enables it again; the change is audited, and a key may not disable or
// enable one that can do more than it.

useDatabase();
const session = useSessions();

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.mock.reset());
afterEach(() => {
  delete process.env.KEY_CACHE_TTL_MS;
  resetEnv();
});

type Handler = (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>;

// testing/api.ts's route table does not list these two routes: their handlers are called as Next would.
async function toggle(verb: "disable" | "enable", id: string, headers: Headers, method = "POST") {
  const handler = (verb === "disable" ? disableRoute : enableRoute)[method as "POST"] as Handler;
  const req = new Request(`http://localhost:3000/api/keys/${id}/${verb}`, { method, headers: { host: "localhost:3000", ...headers } });
  const res = await handler(req, { params: Promise.resolve({ id }) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

const chat = (key: string) =>
  openaiClient(gw.urls.node, key)
    .chat.completions.create({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] })
    .then(
      () => "ok",
      (e: unknown) => e,
    );

const DISABLED = "This NeuronEdge API key is disabled. Its owner can enable it again.";

describe("a disabled key at the gateway", () => {
  it("is refused with a 401 saying so, in the provider's shape; other keys go on; enabling works at once", async () => {
    const owner = await session();
    const target = await makeKey(owner, { name: "to disable" });
    const sibling = await makeKey(owner, { name: "sibling" });
    expect(await chat(target.key)).toBe("ok");
    expect(await chat(sibling.key)).toBe("ok"); // both verified and cached on this instance

    const disabled = await toggle("disable", target.id, owner);
    expect(disabled.status).toBe(200);
    expect(disabled.json).toMatchObject({ id: target.id, status: "disabled", disabled_at: expect.any(String), revoked_at: null });
    gw.mock.reset();

    const err = await chat(target.key);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((err as InstanceType<typeof OpenAI.AuthenticationError>).error).toMatchObject({ message: DISABLED });
    const anthropicErr = await anthropicClient(gw.urls.node, target.key)
      .messages.create({ model: "claude-haiku-4-5", max_tokens: 8, messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(anthropicErr).toBeInstanceOf(Anthropic.AuthenticationError);
    expect((anthropicErr as InstanceType<typeof Anthropic.AuthenticationError>).message).toContain(DISABLED);
    expect(gw.mock.requests).toHaveLength(0); // nothing went upstream
    expect(await chat(sibling.key)).toBe("ok");
    // The management API refuses it the same way.
    const managing = await call("GET", "/api/keys", { headers: bearer(target.key) });
    expect(managing.status).toBe(401);
    expect(managing.json.error.message).toBe(DISABLED);

    const listed = (await call("GET", "/api/keys", { headers: owner })).json.keys;
    expect(listed.find((k: { id: string }) => k.id === target.id)).toMatchObject({ status: "disabled" });

    const enabled = await toggle("enable", target.id, owner);
    expect(enabled.status).toBe(200);
    expect(enabled.json).toMatchObject({ id: target.id, status: "active", disabled_at: null });
    expect(await chat(target.key)).toBe("ok"); // the very next request, no wait
  });

  it("is refused by an instance that was never told, once KEY_CACHE_TTL_MS has passed, with no bcrypt", async () => {
    process.env.KEY_CACHE_TTL_MS = "50";
    resetEnv();
    const k = await createKey(testCaller(), { name: "elsewhere", environment: "live" });
    clearVerifierCache();
    expect((await verifyKey(k.key)).ok).toBe(true);
    const compares = verifierStats().bcryptCompares;
    // Another instance's change: the row alone, no keyChanged here.
    const db = await getDb();
    await db.update(apiKeys).set({ disabledAt: new Date() }).where(eq(apiKeys.id, k.id));
    await new Promise((r) => setTimeout(r, 80));
    for (let i = 0; i < 3; i++) expect(await verifyKey(k.key)).toEqual({ ok: false, reason: "disabled" });
    await db.update(apiKeys).set({ disabledAt: null }).where(eq(apiKeys.id, k.id));
    await new Promise((r) => setTimeout(r, 80));
    expect((await verifyKey(k.key)).ok).toBe(true);
    expect(verifierStats().bcryptCompares).toBe(compares);
    // Expired outranks disabled: enabling it would not help.
    await db
      .update(apiKeys)
      .set({ disabledAt: new Date(), expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiKeys.id, k.id));
    await new Promise((r) => setTimeout(r, 80));
    expect(await verifyKey(k.key)).toEqual({ ok: false, reason: "expired" });
  });

  it("a key first seen while disabled is refused, and works once enabled, without a second bcrypt", async () => {
    const owner = await session();
    const k = await makeKey(owner, { name: "cold" });
    expect((await toggle("disable", k.id, owner)).status).toBe(200);
    clearVerifierCache();
    const before = verifierStats().bcryptCompares;
    for (let i = 0; i < 3; i++) expect(await verifyKey(k.key)).toEqual({ ok: false, reason: "disabled" });
    expect(verifierStats().bcryptCompares).toBe(before + 1);
    expect((await toggle("enable", k.id, owner)).status).toBe(200);
    expect((await verifyKey(k.key)).ok).toBe(true);
    expect(verifierStats().bcryptCompares).toBe(before + 1);
  });
});

describe("disable and enable through the API", () => {
  it("are idempotent, and each change is audited once, with its actor", async () => {
    const sub = uniqueOwner("user");
    const owner = await session({ sub });
    const k = await makeKey(owner, { name: "audited" });
    const first = await toggle("disable", k.id, owner);
    const second = await toggle("disable", k.id, owner);
    expect(second.status).toBe(200);
    expect(second.json).toEqual(first.json);
    expect((await toggle("enable", k.id, owner)).json.status).toBe("active");
    expect((await toggle("enable", k.id, owner)).status).toBe(200);

    const events = (await call("GET", `/api/audit?key_id=${k.id}`, { headers: owner })).json.events;
    expect(events.map((e: { action: string; actor_id: string }) => [e.action, e.actor_id])).toEqual([
      ["key.enable", sub],
      ["key.disable", sub],
      ["key.create", sub],
    ]);
    expect(events[1].details).toEqual({ name: "audited", prefix: k.prefix });
  });

  it("a key may not disable or enable a more powerful one; it may disable a lesser one, and itself", async () => {
    const owner = await session();
    const strong = await makeKey(owner, { name: "strong", permissions: ["proxy", "keys:read", "keys:write", "usage:read"] });
    const writer = await makeKey(owner, { name: "write-only", permissions: ["keys:write"], limits: { requests_per_minute: 10 } });
    const reader = await makeKey(owner, { name: "manager", permissions: ["proxy", "keys:read", "keys:write"] });

    expectRefused(await toggle("disable", strong.id, bearer(writer.key)), 403);
    const named = await toggle("disable", strong.id, bearer(reader.key));
    expectRefused(named, 403, "permissions");
    expect(await chat(strong.key)).toBe("ok");

    expect((await toggle("disable", strong.id, owner)).status).toBe(200);
    expectRefused(await toggle("enable", strong.id, bearer(reader.key)), 403, "permissions");
    expect((await call("GET", `/api/keys/${strong.id}`, { headers: owner })).json.status).toBe("disabled");

    // A lesser key: a write-only caller learns only what it set.
    const lesser = await makeKey(owner, { name: "lesser", permissions: ["keys:write"], limits: { requests_per_minute: 5 } });
    const done = await toggle("disable", lesser.id, bearer(writer.key));
    expect(done.status).toBe(200);
    expect(done.json).toEqual({ id: lesser.id, status: "disabled", disabled_at: expect.any(String) });

    // Itself, like revoke: afterwards it is refused, and only its owner can enable it again.
    expect((await toggle("disable", reader.id, bearer(reader.key))).json.status).toBe("disabled");
    const after = await toggle("enable", reader.id, bearer(reader.key));
    expect(after.status).toBe(401);
    expect(after.json.error.message).toBe(DISABLED);
    expect((await toggle("enable", reader.id, owner)).json.status).toBe("active");
  });

  it("a revoked key → 409; an unknown or another owner's key → 404; other methods → 405", async () => {
    const owner = await session();
    const k = await makeKey(owner, { name: "revoked" });
    expect((await toggle("disable", k.id, owner)).status).toBe(200);
    expect((await call("DELETE", `/api/keys/${k.id}`, { headers: owner })).status).toBe(200);
    for (const verb of ["disable", "enable"] as const) {
      const res = await toggle(verb, k.id, owner);
      expectRefused(res, 409);
      expect(res.json.error.message).toBe(`This key has been revoked and can no longer be ${verb}d.`);
    }
    expect((await call("GET", `/api/keys/${k.id}`, { headers: owner })).json.status).toBe("revoked");

    const other = await makeKey(await session(), { name: "not yours" });
    for (const id of ["key_000000000000", other.id]) {
      const res = await toggle("disable", id, owner);
      expect(res.status).toBe(404);
      expect(res.json.error).toMatchObject({ code: "not_found", message: `No API key with id '${id}'.` });
    }
    expect(await chat(other.key)).toBe("ok");
    for (const method of ["GET", "PUT", "PATCH", "DELETE"]) {
      const res = await toggle("enable", k.id, owner, method);
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
  });
});
