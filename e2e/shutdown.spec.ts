import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { expect, test } from "@playwright/test";
import { startMockProvider } from "../testing/mock-provider";
import { removeDataDir, startAppServer, type AppServer } from "./second-server";
import { E2E_PORT } from "./helpers";

// Usage events are buffered and written about once a second. A SIGTERM (a deploy, a scale-in)
// must write what is buffered before the process exits: a second server on its own database
// takes traffic, is stopped at once, and started again to count what it recorded.

const dataDir = ".data-e2e-shutdown";
const start = () => startAppServer({ port: E2E_PORT + 1, dataDir });

test.describe("shutdown", () => {
  let server: AppServer | undefined;
  test.beforeAll(() => removeDataDir(dataDir));
  test.afterAll(async () => {
    await server?.stop();
    removeDataDir(dataDir);
  });

  test("SIGTERM writes the buffered usage before exiting", async () => {
    test.setTimeout(90_000);
    server = await start();
    const base = server.origin;
    const created = await fetch(`${base}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "shutdown", environment: "test" }),
    });
    expect(created.status).toBe(201);
    const { key, id } = (await created.json()) as { key: string; id: string };

    const REQUESTS = 200;
    let next = 0;
    const worker = async () => {
      while (next < REQUESTS) {
        next++;
        const res = await fetch(`${base}/v1/openai/chat/completions`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-5-mini", messages: [{ role: "user", content: "hi" }] }),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 20 }, worker));
    // At once: well inside the recorder's one-second flush interval.
    expect(await server.stop()).toBe(0);

    server = await start();
    const usage = await fetch(`${server.origin}/api/usage?environment=test&key_id=${id}`);
    expect(usage.status).toBe(200);
    const { totals } = (await usage.json()) as { totals: { requests: number; output_tokens: number } };
    expect(totals.requests).toBe(REQUESTS);
    expect(totals.output_tokens).toBeGreaterThan(0);

    // A fresh process has nothing cached: the key is verified with bcrypt again, inside Next's
    // bundle here (the key is valid but may only call providers, hence 403, not 401 or 500).
    const asKey = await fetch(`${server.origin}/api/keys`, { headers: { authorization: `Bearer ${key}` } });
    expect(asKey.status).toBe(403);
  });

  test("SIGTERM drains: readiness fails, streams get their grace, the rest are cut and recorded", async () => {
    test.setTimeout(90_000);
    await server?.stop();
    removeDataDir(dataDir);
    const mock = await startMockProvider();
    const drainMs = 1_500;
    const graceMs = 3_000;
    server = await startAppServer({
      port: E2E_PORT + 1,
      dataDir,
      env: {
        PROVIDER_ANTHROPIC_BASE_URL: mock.baseUrls.anthropic,
        SHUTDOWN_DRAIN_MS: String(drainMs),
        SHUTDOWN_GRACE_MS: String(graceMs),
      },
    });
    const base = server.origin;
    const created = await fetch(`${base}/api/keys`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "drain", environment: "live" }),
    });
    const { key, id } = (await created.json()) as { key: string; id: string };
    const stream = () =>
      fetch(`${base}/v1/anthropic/v1/messages`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "x-provider-api-key": "sk-ant-drain-test", "content-type": "application/json" },
        body: JSON.stringify({ model: "claude-haiku-4-5", max_tokens: 64, stream: true, messages: [{ role: "user", content: "hi" }] }),
      }).then(async (res) => ({ status: res.status, text: await res.text().catch(() => "(cut)") }));

    // Ten streams that end within the grace period (about 2 s) and ten that would take 30 s.
    mock.setStreaming({ chunks: 8, chunkDelayMs: 250 });
    const short = Array.from({ length: 10 }, stream);
    await mock.waitFor(() => mock.requests.length >= 10);
    mock.setStreaming({ chunks: 120, chunkDelayMs: 250 });
    const long = Array.from({ length: 10 }, stream);
    await mock.waitFor(() => mock.requests.length >= 20);

    const signalled = Date.now();
    const exited = server.stop();
    // Readiness fails at once; liveness holds; the listener still takes new connections.
    await expect.poll(async () => (await fetch(`${base}/api/health/ready`)).status, { timeout: 1_000 }).toBe(503);
    expect((await (await fetch(`${base}/api/health/ready`)).json()).status).toBe("draining");
    const live = await fetch(`${base}/api/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get("connection")).toBe("close");
    // After the drain delay new connections are refused.
    await new Promise((r) => setTimeout(r, drainMs + 500 - (Date.now() - signalled)));
    await expect(fetch(`${base}/api/health/live`)).rejects.toThrow();

    const shorts = await Promise.all(short);
    for (const r of shorts) {
      expect(r.status).toBe(200);
      expect(r.text).toContain("message_stop");
    }
    const longs = await Promise.all(long);
    for (const r of longs) expect(r.text).not.toContain("message_stop");
    expect(await exited).toBe(0);
    // Cut at the end of the grace period, not at once and not after the streams' 30 s.
    const took = Date.now() - signalled;
    expect(took).toBeGreaterThanOrEqual(drainMs + graceMs);
    expect(took).toBeLessThan(drainMs + graceMs + 10_000);
    await mock.close();

    // Every call is recorded: the finished ones whole, the cut ones as aborted with the input they used.
    const db = new PGlite(join(import.meta.dirname, "..", dataDir));
    const rows = (
      await db.query<{ aborted: boolean; n: number; input: number }>(
        "select aborted, count(*)::int as n, min(input_tokens)::int as input from usage_events where key_id = $1 group by aborted",
        [id],
      )
    ).rows;
    await db.close();
    expect(rows.find((r) => !r.aborted)?.n).toBe(10);
    expect(rows.find((r) => r.aborted)?.n).toBe(10);
    expect(rows.find((r) => r.aborted)?.input).toBeGreaterThan(0);
    server = undefined;
  });
});
