import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/env";
import { complete } from "@/lib/gateway/simulator";
import { useDatabase } from "@/testing/db";
import { rawConnect, startGateway, startNodeDoor, type Door, type Gateway, type RawConnection } from "@/testing/gateway-harness";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";

// Attacks on the `npm start` server itself (lib/gateway/node-server.ts), replayed with its bounds
// made short: slow and idle clients, too many connections, and a caller lying about its address.
// The web door (Next's route handler) keeps the body bound too, where it reads the body itself.

useDatabase();

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.mock.reset());

const CHAT = "/v1/openai/chat/completions";
const question = "Tell me a slow story.";

function head(origin: string, method: string, target: string, headers: Record<string, string | number>): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${new URL(origin).host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

async function keyHeaders() {
  const { key } = await gw.liveKey();
  return { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai, "content-type": "application/json" };
}

/** Sets the server's bounds for a describe block, and starts a node door that reads them. */
function withEnv(vars: Record<string, string>): { url: () => string } {
  let door: Awaited<ReturnType<typeof startNodeDoor>>;
  beforeAll(async () => {
    Object.assign(process.env, vars);
    resetEnv();
    door = await startNodeDoor();
  });
  afterAll(async () => {
    await door.close();
    for (const name of Object.keys(vars)) delete process.env[name];
    resetEnv();
  });
  return { url: () => door.url };
}

/** One byte at a time, a few times a second (never a pause as long as the idle bound), until the server answers. */
async function drip(conn: RawConnection, bytes = 50): Promise<void> {
  for (let i = 0; i < bytes && !conn.isClosed() && !/\r\n\r\n/.test(conn.text()); i++) {
    conn.write("x");
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("slow clients, with every bound at one second", () => {
  const node = withEnv({
    SERVER_HEADERS_TIMEOUT_MS: "1000",
    SERVER_BODY_IDLE_TIMEOUT_MS: "1000",
    SERVER_KEEP_ALIVE_TIMEOUT_MS: "1000",
  });
  const origin = (door: Door) => (door === "node" ? node.url() : gw.urls.web);

  it("request headers dripped a byte at a time, never finished: the connection is closed", async () => {
    const conn = await rawConnect(node.url());
    conn.write(`POST ${CHAT} HTTP/1.1\r\nHost: ${new URL(node.url()).host}\r\n`);
    for (let i = 0; i < 50 && !conn.isClosed(); i++) {
      conn.write("X");
      await new Promise((r) => setTimeout(r, 200));
    }
    await conn.closed();
    expect(conn.text()).not.toMatch(/^HTTP\/1\.1 2/);
  });

  it.each<Door>(["node", "web"])("a /v1 body dripped a byte every 200 ms (%s door): 408 in OpenAI's shape", async (door) => {
    const conn = await rawConnect(origin(door));
    conn.write(`${head(origin(door), "POST", CHAT, { ...(await keyHeaders()), "content-length": 5000 })}{"model":"gpt-4o-mini",`);
    const answered = conn.response();
    await drip(conn);
    const res = await answered;
    conn.end();
    expect(res.status).toBe(408);
    expect(JSON.parse(res.body).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/stopped arriving/) });
    expect(gw.mock.requests).toHaveLength(0);
  });

  it("an /api body dripped the same way (node door, where Next reads it): 408 in the API's JSON shape, connection closed", async () => {
    const conn = await rawConnect(node.url());
    conn.write(`${head(node.url(), "POST", "/api/keys", { "content-type": "application/json", "content-length": 5000 })}{"name":`);
    const answered = conn.response();
    await drip(conn);
    const res = await answered;
    expect(res.status).toBe(408);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(res.body).error.message).toMatch(/stopped arriving/);
    await conn.closed();
  });

  it("a streamed answer pausing longer than every bound still arrives whole, through both doors", async () => {
    gw.mock.setStreaming({ chunks: 3, chunkDelayMs: 1_500 });
    const headers = await keyHeaders();
    const texts = await Promise.all(
      (["node", "web"] as const).map(async (door) => {
        const res = await fetch(`${origin(door)}${CHAT}`, {
          method: "POST",
          headers,
          body: JSON.stringify({ model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: question }] }),
        });
        expect(res.status).toBe(200);
        return res.text();
      }),
    );
    for (const text of texts) {
      expect(text).toContain("data: [DONE]");
      const deltas = text
        .split("\n")
        .filter((l) => l.startsWith("data: {"))
        .map((l) => JSON.parse(l.slice(6)).choices[0]?.delta?.content ?? "");
      expect(deltas.join("")).toBe(complete(question).text);
    }
  });

  it("an idle keep-alive connection is told the bound and closed at it", async () => {
    const conn = await rawConnect(node.url());
    conn.write(head(node.url(), "GET", "/api/health", {}));
    const res = await conn.response();
    expect(res.status).toBe(200);
    expect(res.headers["keep-alive"]).toBe("timeout=1");
    await conn.closed();
  });
});

describe("too many connections (SERVER_MAX_CONNECTIONS=2)", () => {
  const node = withEnv({ SERVER_MAX_CONNECTIONS: "2" });

  it("the third open connection is dropped unanswered; the others are served", async () => {
    const request = head(node.url(), "GET", "/api/health", {});
    const open = [await rawConnect(node.url()), await rawConnect(node.url())];
    for (const conn of open) {
      conn.write(request);
      expect((await conn.response()).status).toBe(200);
    }
    const third = await rawConnect(node.url());
    third.write(request);
    await third.closed();
    expect(third.text()).toBe("");
    open[0].write(request);
    expect((await open[0].response()).status).toBe(200);
    for (const conn of open) conn.end();
  });
});

describe("the client's address in the audit log (node door: the socket, then TRUSTED_PROXIES)", () => {
  async function auditedIp(origin: string, headers: Record<string, string>): Promise<string | null> {
    const created = await fetch(`${origin}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ name: "audited" }),
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const audit = await (await fetch(`${origin}/api/audit?key_id=${id}`)).json();
    return audit.events[0].ip;
  }
  const forged = { "x-forwarded-for": "6.6.6.6", "x-real-ip": "6.6.6.6", "x-neuronedge-client-ip": "6.6.6.6" };

  it("with no trusted proxy, X-Forwarded-For (and a forged stamp header) from the caller is ignored: the socket's peer is recorded", async () => {
    expect(await auditedIp(gw.urls.node, forged)).toBe("127.0.0.1");
  });

  describe("behind a trusted proxy (TRUSTED_PROXIES=127.0.0.0/8, ::1)", () => {
    const node = withEnv({ TRUSTED_PROXIES: "127.0.0.0/8, ::1" });

    it("the chain is walked from the right past trusted hops: the first untrusted one is the client", async () => {
      expect(await auditedIp(node.url(), { "x-forwarded-for": "6.6.6.6, 203.0.113.9, 127.0.0.5" })).toBe("203.0.113.9");
    });

    it("a stamp header the caller sent is overwritten, never believed", async () => {
      expect(await auditedIp(node.url(), { "x-neuronedge-client-ip": "6.6.6.6" })).toBe("127.0.0.1");
    });
  });
});
