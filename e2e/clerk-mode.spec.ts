import { expect, test } from "@playwright/test";
import { type ClerkServer, startClerkServer } from "./clerk-session";
import { E2E_PORT } from "./helpers";

// The built app in Clerk mode, networkless (e2e/clerk-session.ts): the API and the gateway.

const dataDir = ".data-e2e-clerk";
const port = E2E_PORT + 2;
const origin = `http://127.0.0.1:${port}`;

let clerk: ClerkServer;
const sessionToken = (sub: string) => clerk.token({ sub });

test.beforeAll(async () => {
  test.setTimeout(90_000);
  clerk = await startClerkServer({ port, dataDir });
});

test.afterAll(() => clerk?.stop());

test.describe("Clerk mode", () => {
  test("the dashboard requires a session: no page without one", async () => {
    const res = await fetch(`${origin}/dashboard/keys`, { redirect: "manual", headers: { accept: "text/html" } });
    expect(res.status).not.toBe(200);
    expect([302, 303, 307, 401, 404]).toContain(res.status);
    expect(await res.text()).not.toContain("Create key");
  });

  test("the API takes a Bearer session token; users never see each other's keys", async () => {
    const alice = { authorization: `Bearer ${await sessionToken("user_alice_e2e")}` };
    const bob = { authorization: `Bearer ${await sessionToken("user_bob_e2e")}` };
    expect((await fetch(`${origin}/api/keys`)).status).toBe(401);

    const created = await fetch(`${origin}/api/keys`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json" },
      body: JSON.stringify({ name: "alice's key" }),
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const aliceList = (await (await fetch(`${origin}/api/keys`, { headers: alice })).json()) as { keys: { id: string }[] };
    expect(aliceList.keys.map((k) => k.id)).toEqual([id]);
    const bobList = (await (await fetch(`${origin}/api/keys`, { headers: bob })).json()) as { keys: unknown[] };
    expect(bobList.keys).toEqual([]);
    expect((await fetch(`${origin}/api/keys/${id}`, { headers: bob })).status).toBe(404);
    expect((await fetch(`${origin}/api/keys/${id}`, { method: "DELETE", headers: bob })).status).toBe(404);
  });

  test("/v1 is never behind Clerk: a gateway key alone is enough", async () => {
    const alice = { authorization: `Bearer ${await sessionToken("user_alice_v1")}` };
    const created = await fetch(`${origin}/api/keys`, {
      method: "POST",
      headers: { ...alice, "content-type": "application/json" },
      body: JSON.stringify({ name: "sim", environment: "test" }),
    });
    const { key } = (await created.json()) as { key: string };
    const res = await fetch(`${origin}/v1/openai/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { object: string }).object).toBe("chat.completion");
  });

  test("not local mode: any Host is served", async () => {
    const res = await fetch(`${origin}/api/health`, { headers: { host: "gateway.example.com" } });
    expect(res.status).toBe(200);
  });
});
