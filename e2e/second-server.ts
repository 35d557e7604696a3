import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";

// A second copy of the built app (`server.ts`, as `npm start` runs it) on its own port and
// database, for specs that need another mode or must stop the server. Playwright's web server
// has built the app already.

const root = join(import.meta.dirname, "..");

export interface AppServer {
  origin: string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export async function startAppServer(opts: { port: number; dataDir: string; env?: Record<string, string> }): Promise<AppServer> {
  const { SERVER_BUNDLE, SERVER_NODE_FLAGS } = (await import(join(root, "scripts/start.mjs"))) as {
    SERVER_BUNDLE: string;
    SERVER_NODE_FLAGS: string[];
  };
  const child: ChildProcess = spawn(process.execPath, [...SERVER_NODE_FLAGS, join(root, SERVER_BUNDLE)], {
    cwd: root,
    stdio: "ignore",
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(opts.port),
      HOST: "127.0.0.1",
      DATA_DIR: join(root, opts.dataDir),
      DATABASE_URL: "",
      CLERK_SECRET_KEY: "",
      NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "",
      ...opts.env,
    },
  });
  const origin = `http://127.0.0.1:${opts.port}`;
  const stop = () =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) return resolve(child.exitCode);
      child.once("exit", (code) => resolve(code));
      child.kill("SIGTERM");
    });
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`server.ts exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${origin}/api/health`)).ok) return { origin, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  await stop();
  throw new Error(`server.ts on port ${opts.port} did not become healthy`);
}

export function removeDataDir(dataDir: string): void {
  rmSync(join(root, dataDir), { recursive: true, force: true });
}
