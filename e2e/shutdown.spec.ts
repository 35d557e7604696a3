import { expect, test } from "@playwright/test";
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
});
