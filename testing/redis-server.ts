// A private redis-server for tests: its own free port on loopback, nothing persisted, stopped and
// restarted on the same port at will (to test outages), paused with SIGSTOP (to test timeouts).
// Needs `redis-server` on PATH; without it startRedisServer() fails with a message saying so.
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { createConnection, createServer } from "node:net";
import { tmpdir } from "node:os";

export interface RedisServer {
  /** redis://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Shuts the server down (connections drop at once); resolves when the process has exited. */
  stop(): Promise<void>;
  /** Starts it again on the same port (empty: nothing is saved); resolves when it answers PING. */
  start(): Promise<void>;
  /** SIGSTOP: connections stay open but nothing answers. */
  pause(): void;
  /** SIGCONT. */
  resume(): void;
}

const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export async function startRedisServer(opts: { readyTimeoutMs?: number } = {}): Promise<RedisServer> {
  const readyTimeoutMs = opts.readyTimeoutMs ?? 10_000;
  const port = await freePort();
  let child: ChildProcess | null = null;

  const start = async () => {
    if (child) throw new Error("redis-server is already running");
    child = await launch(port, readyTimeoutMs);
  };
  const stop = async () => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGCONT"); // a paused server cannot handle SIGTERM
    c.kill("SIGTERM");
    const timer = setTimeout(() => c.kill("SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    stop,
    pause: () => child?.kill("SIGSTOP"),
    resume: () => child?.kill("SIGCONT"),
  };
}

async function launch(port: number, readyTimeoutMs: number): Promise<ChildProcess> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  args.push("--dir", tmpdir(), "--daemonize", "no", "--loglevel", "warning");
  const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  running.add(child);
  child.once("exit", () => running.delete(child));

  const failed = new Promise<never>((_, reject) => {
    child.once("error", (err: NodeJS.ErrnoException) => {
      reject(
        err.code === "ENOENT"
          ? new Error("redis-server is not on PATH: the Redis limiter tests need it (e.g. apt-get install redis-server).")
          : err,
      );
    });
    child.once("exit", (code, signal) => {
      reject(new Error(`redis-server exited early (${code ?? signal}) on port ${port}:\n${output.trim()}`));
    });
  });
  failed.catch(() => undefined); // observed below; keeps a later exit from being unhandled

  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    const answered = await Promise.race([ping(port), failed]);
    if (answered) return child;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`redis-server on port ${port} did not answer PING within ${readyTimeoutMs} ms:\n${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** True when something on the port answers PING with PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let reply = "";
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.on("data", (d) => {
      reply += d.toString();
      if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
    });
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
