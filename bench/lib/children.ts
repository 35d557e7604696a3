// The bench's child processes: every target runs in one of its own, started with node and known
// ready by a line it prints, and none outlives the bench.
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { error } from "./log";

export interface Child {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** The rest of the READY line. */
  ready: string;
  stopping: boolean;
}

/** The bench's environment less whatever would point a child away from local embedded mode. */
function localEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  for (const name of Object.keys(env)) {
    if (
      /^(CLERK_|NEXT_PUBLIC_CLERK_|PROVIDER_.*_BASE_URL$)/.test(name) ||
      ["DATABASE_URL", "DATABASE_DRIVER", "REDIS_URL", "HOST", "PORT"].includes(name)
    ) {
      delete env[name];
    }
  }
  return env;
}

export class Children {
  readonly list: Child[] = [];
  private readonly baseEnv = localEnv();

  constructor(private readonly o: { root: string; verbose: boolean }) {
    process.on("exit", () => {
      for (const c of this.list) if (c.proc.exitCode === null) c.proc.kill("SIGKILL");
    });
    for (const sig of ["SIGINT", "SIGTERM"] as const) process.on(sig, () => process.exit(130));
  }

  /** Runs `node args` and resolves once its output matches `ready`; a later unexpected exit is an error. */
  start(name: string, args: string[], env: Record<string, string>, ready = /^READY (.*)$/m, timeoutMs = 120_000): Promise<Child> {
    const proc = spawn(process.execPath, args, { cwd: this.o.root, env: { ...this.baseEnv, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    const tail: string[] = [];
    const keep = (s: string) => {
      tail.push(s);
      if (tail.length > 40) tail.shift();
      if (this.o.verbose) process.stderr.write(`[${name}] ${s}`);
    };
    return new Promise((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${tail.join("")}`));
      }, timeoutMs);
      let child: Child | undefined;
      proc.stdout!.on("data", (d: Buffer) => {
        keep(d.toString());
        if (child) return;
        out += d.toString();
        const m = ready.exec(out);
        if (m) {
          clearTimeout(timer);
          child = { name, proc, pid: proc.pid!, ready: m[1] ?? "", stopping: false };
          this.list.push(child);
          resolve(child);
        }
      });
      proc.stderr!.on("data", (d: Buffer) => keep(d.toString()));
      // "close", not "exit": by then the last output has been read, for the message below.
      proc.on("close", (code, signal) => {
        clearTimeout(timer);
        if (!child) reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${tail.join("")}`));
        else if (!child.stopping) error(`${name} exited unexpectedly (${signal ?? code}):\n${tail.join("")}`);
      });
    });
  }

  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  async stop(c: Child): Promise<void> {
    if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
    c.stopping = true;
    const exited = new Promise((r) => c.proc.once("exit", r));
    c.proc.kill("SIGTERM");
    const timer = setTimeout(() => c.proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled(this.list.map((c) => this.stop(c)));
  }
}

/** A port nothing listens on right now, for children that must be told theirs. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}
