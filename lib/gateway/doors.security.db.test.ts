import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { simulateResult, encodeFrame } from "@/lib/gateway/simulator";
import { useDatabase } from "@/testing/db";
import { rawConnect, startGateway, type Door, type Gateway } from "@/testing/gateway-harness";
import { PROVIDER_KEYS } from "@/testing/sdk-clients";

// Attacks on the HTTP doors, replayed through both (node: `npm start`; web: the Next route
// handler) wherever both serve the path. Raw sockets where fetch cannot say the request.

useDatabase();

let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());
beforeEach(() => gw.mock.reset());

const CHAT = "/v1/openai/chat/completions";
const chat = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hello" }], ...extra });

/** A request head as written on the wire, Host first. */
function head(origin: string, method: string, target: string, headers: Record<string, string | number>): string {
  const lines = [`${method} ${target} HTTP/1.1`, `Host: ${new URL(origin).host}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return `${lines.join("\r\n")}\r\n\r\n`;
}

async function keyHeaders() {
  const { key } = await gw.liveKey();
  return { authorization: `Bearer ${key}`, "x-provider-api-key": PROVIDER_KEYS.openai, "content-type": "application/json" };
}

describe.each<Door>(["node", "web"])("through the %s door", (door) => {
  it("Expect: 100-continue (curl, for bodies over 1 MB): answered, and the call forwarded without it", async () => {
    const body = chat({ messages: [{ role: "user", content: "long ".repeat(250_000) }] });
    const conn = await rawConnect(gw.urls[door]);
    const length = Buffer.byteLength(body);
    conn.write(head(gw.urls[door], "POST", CHAT, { ...(await keyHeaders()), "content-length": length, expect: "100-continue" }));
    await conn.received("HTTP/1.1 100 Continue");
    conn.write(body);
    const res = await conn.response();
    conn.end();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toEqual(expect.any(String));
    expect(gw.mock.requests).toHaveLength(1);
    expect(gw.mock.requests[0].headers.expect).toBeUndefined();
  });

  it("headers named in Connection, and claims about the client, never reach the provider", async () => {
    const body = chat();
    const conn = await rawConnect(gw.urls[door]);
    conn.write(
      head(gw.urls[door], "POST", CHAT, {
        ...(await keyHeaders()),
        "content-length": Buffer.byteLength(body),
        connection: "keep-alive, X-Secret, x-other-secret",
        "x-secret": "for-the-next-hop-only",
        "x-other-secret": "also-hop-by-hop",
        "x-forwarded-for": "6.6.6.6",
        "x-forwarded-host": "evil.example",
        "x-forwarded-proto": "https",
        "x-forwarded-port": "443",
        forwarded: "for=6.6.6.6",
        "x-real-ip": "6.6.6.6",
        "x-neuronedge-client-ip": "6.6.6.6",
        "x-kept": "end-to-end",
      }) + body,
    );
    const res = await conn.response();
    conn.end();
    expect(res.status).toBe(200);
    const sent = gw.mock.requests[0].headers;
    for (const name of [
      "x-secret",
      "x-other-secret",
      "x-forwarded-for",
      "x-forwarded-host",
      "x-forwarded-proto",
      "x-forwarded-port",
      "forwarded",
      "x-real-ip",
      "x-neuronedge-client-ip",
    ]) {
      expect(sent[name], name).toBeUndefined();
    }
    expect(JSON.stringify(sent)).not.toContain("6.6.6.6");
    expect(sent["x-kept"]).toBe("end-to-end");
  });

  it("a filtered stream (usage chunk removed) with the provider's Content-Length still ends for the client", async () => {
    const frames = simulateResult({
      format: "openai",
      method: "POST",
      path: "/chat/completions",
      search: "",
      body: { model: "gpt-4o-mini", stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "hi" }] },
    }).frames!;
    const declared = Buffer.byteLength(frames.map(encodeFrame).join(""));
    gw.mock.reply({ frames, headers: { "content-length": String(declared) } });
    const res = await fetch(`${gw.urls[door]}${CHAT}`, {
      method: "POST",
      headers: await keyHeaders(),
      body: chat({ stream: true }),
      signal: AbortSignal.timeout(10_000), // a hang fails here, as an abort, not as a test timeout
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("data: [DONE]");
    expect(text).not.toContain('"usage"'); // the client did not ask for it
    const length = res.headers.get("content-length");
    if (length !== null) expect(Number(length)).toBe(Buffer.byteLength(text));
    expect(JSON.parse(gw.mock.requests[0].body).stream_options).toEqual({ include_usage: true });
  });

  it("a streamed chat body nested 10,000 deep: sent upstream as it came, the usage option put in front", async () => {
    const depth = 10_000;
    const body = `{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
    const res = await fetch(`${gw.urls[door]}${CHAT}`, { method: "POST", headers: await keyHeaders(), body });
    await res.arrayBuffer();
    expect(gw.mock.requests).toHaveLength(1);
    expect(gw.mock.requests[0].body).toBe(`{"stream_options":{"include_usage":true},${body.slice(1)}`);
  });

  it("the same with stream_options of its own (merged, so written back): 400 in OpenAI's error shape, nothing sent upstream", async () => {
    const depth = 10_000;
    const body = `{"model":"gpt-4o-mini","stream":true,"stream_options":{},"messages":[{"role":"user","content":${"[".repeat(depth)}${"]".repeat(depth)}}]}`;
    const res = await fetch(`${gw.urls[door]}${CHAT}`, { method: "POST", headers: await keyHeaders(), body });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatchObject({ type: "invalid_request_error", message: expect.stringMatching(/nested too deeply/) });
    expect(gw.mock.requests).toHaveLength(0);
  });
});

describe("both doors", () => {
  it("send the provider exactly the same headers for the same request (Next adds x-forwarded-*; neither passes them on)", async () => {
    const headers = await keyHeaders();
    for (const door of ["node", "web"] as const) {
      const body = chat();
      const conn = await rawConnect(gw.urls[door]);
      conn.write(
        head(gw.urls[door], "POST", CHAT, { ...headers, "content-length": Buffer.byteLength(body), "user-agent": "same/1.0" }) + body,
      );
      expect((await conn.response()).status).toBe(200);
      conn.end();
    }
    const [node, web] = gw.mock.requests.map((r) => r.headers);
    expect(web).toEqual(node);
  });

  it("refuse a non-loopback Host in local mode (DNS rebinding) in the provider's shape, before anything goes upstream", async () => {
    const headers = await keyHeaders();
    for (const door of ["node", "web"] as const) {
      const body = chat();
      const conn = await rawConnect(gw.urls[door]);
      const request = head(gw.urls[door], "POST", CHAT, { ...headers, "content-length": Buffer.byteLength(body) });
      conn.write(request.replace(/^Host: .*$/m, "Host: evil.example:3000") + body);
      const res = await conn.response();
      expect(res.status).toBe(403);
      expect(JSON.parse(res.body).error.message).toMatch(/local mode/);
      conn.end();
    }
    expect(gw.mock.requests).toHaveLength(0);
  });
});

describe("the node door's odd requests (npm start)", () => {
  it("/api/keys/%ff (malformed percent-encoding): 400 in the API's JSON shape, not Next's plain text", async () => {
    const conn = await rawConnect(gw.urls.node);
    conn.write(head(gw.urls.node, "GET", "/api/keys/%ff", {}));
    const res = await conn.response();
    conn.end();
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toMatch(/application\/json/);
    expect(JSON.parse(res.body).error).toMatchObject({ code: "bad_request", type: "invalid_request_error" });
  });

  it("OPTIONS * : a clean 400 in JSON, and the server goes on serving", async () => {
    const conn = await rawConnect(gw.urls.node);
    conn.write(head(gw.urls.node, "OPTIONS", "*", {}));
    const res = await conn.response();
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe("bad_request");
    await conn.closed();
    const health = await fetch(`${gw.urls.node}/api/health`);
    expect(health.status).toBe(200);
  });

  it("an absolute-form target (GET http://host/path, which servers must accept) is served as its path", async () => {
    const body = chat();
    const conn = await rawConnect(gw.urls.node);
    conn.write(
      head(gw.urls.node, "POST", `${gw.urls.node}${CHAT}`, { ...(await keyHeaders()), "content-length": Buffer.byteLength(body) }) + body,
    );
    const res = await conn.response();
    conn.end();
    expect(res.status).toBe(200);
    expect(gw.mock.requests[0].path).toBe("/openai/v1/chat/completions");
  });
});
