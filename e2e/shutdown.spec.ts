import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { expect, test } from "@playwright/test";

// Usage events are buffered and written about once a second. A SIGTERM (a deploy, a scale-in)
// must write what is buffered before the process exits: a second server on its own database
// takes traffic, is stopped at once, and started again to count what it recorded.

const root = join(import.meta.dirname, "..");
const dataDir = join(root, ".data-e2e-shutdown");
const port = 3101;
const base = `http://127.0.0.1:${port}`;

function startServer(): ChildProcess {
  // The app is already built: Playwright's own web server ran `npm start`'s build step.
  return spawn(process.execPath, ["--import", "tsx", join(root, "server.ts")], {
    cwd: root,
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: dataDir,
      DATABASE_URL: "",
      CLERK_SECRET_KEY: "",
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "",
    },
  });
}

async function waitHealthy(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${base}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error("the second server did not become healthy");
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

test.describe("shutdown", () => {
  let server: ChildProcess | undefined;
  test.beforeAll(() => rmSync(dataDir, { recursive: true, force: true }));
  test.afterAll(async () => {
    if (server) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("SIGTERM writes the buffered usage before exiting", async () => {
    test.setTimeout(90_000);
    server = startServer();
    await waitHealthy();
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
    expect(await stop(server)).toBe(0);

    server = startServer();
    await waitHealthy();
    const usage = await fetch(`${base}/api/usage?environment=test&key_id=${id}`);
    expect(usage.status).toBe(200);
    const { totals } = (await usage.json()) as { totals: { requests: number; output_tokens: number } };
    expect(totals.requests).toBe(REQUESTS);
    expect(totals.output_tokens).toBeGreaterThan(0);
  });
});
