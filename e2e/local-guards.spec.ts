import http from "node:http";
import { expect, test } from "@playwright/test";

// Local mode has no sign-in, so the server itself must refuse what a hostile web page could send.
// node:http rather than the request fixture: we need full control of Host and Origin.

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function raw(baseURL: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) {
  const url = new URL(path, baseURL);
  return new Promise<RawResponse>((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method, headers }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: data }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

function expectErrorShape(body: string, code: string) {
  const json = JSON.parse(body);
  expect(json).toEqual({ error: expect.objectContaining({ message: expect.any(String), type: expect.any(String), code }) });
}

test.describe("local mode guards", () => {
  test("a foreign Host header is refused (DNS rebinding)", async ({ baseURL }) => {
    for (const path of ["/api/keys", "/dashboard/keys", "/api/health"]) {
      const res = await raw(baseURL!, "GET", path, { Host: "evil.example" });
      expect(res.status, path).toBe(403);
      expectErrorShape(res.body, "forbidden");
    }
    // Loopback names are fine.
    expect((await raw(baseURL!, "GET", "/api/health", { Host: `localhost:${new URL(baseURL!).port}` })).status).toBe(200);
  });

  test("a cross-site POST /api/keys is refused", async ({ baseURL, request }) => {
    const before = (await (await request.get("/api/keys")).json()).keys.length;
    const res = await raw(
      baseURL!,
      "POST",
      "/api/keys",
      { Origin: "http://evil.example", "Content-Type": "application/json" },
      JSON.stringify({ name: "from evil.example" }),
    );
    expect(res.status).toBe(403);
    expectErrorShape(res.body, "forbidden");
    expect((await (await request.get("/api/keys")).json()).keys.length).toBe(before);
  });

  test("PUT /api/keys is 405 in the JSON error shape", async ({ baseURL }) => {
    const res = await raw(baseURL!, "PUT", "/api/keys", { "Content-Type": "application/json" }, "{}");
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe("GET, POST");
    expect(res.headers["content-type"]).toContain("application/json");
    expectErrorShape(res.body, "method_not_allowed");
  });

  test("GET /api/health is ok", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
  });
});
