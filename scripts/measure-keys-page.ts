// How many bytes /dashboard/keys sends as the number of keys grows: starts the built app
// (`node scripts/start.mjs`, which builds first when the sources changed) on an empty database
// of its own, creates keys through the management API, and reports the HTML and its RSC payload.
//
//   npx tsx scripts/measure-keys-page.ts [--port 3150] [--counts 50,100,500] [--sizes 25,50,100]
//
// The RSC payload is counted twice: as inlined in the HTML (the self.__next_f strings) and as a
// client navigation fetches it (the same URL with `RSC: 1`). Nothing here is timed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "3150" },
    counts: { type: "string", default: "50,100,500" },
    sizes: { type: "string", default: "25,50,100" },
  },
});
const port = Number(args.port);
const counts = args.counts
  .split(",")
  .map(Number)
  .sort((a, b) => a - b);
const sizes = args.sizes.split(",").map(Number);
const origin = `http://127.0.0.1:${port}`;
const root = new URL("..", import.meta.url).pathname;
const MAX_KEYS = 2_000;
if (counts.some((n) => !Number.isInteger(n) || n < 1 || n > MAX_KEYS)) throw new Error(`--counts: whole numbers from 1 to ${MAX_KEYS}`);

// A server already on the port would answer in place of the one started here, with its own keys.
const taken = await fetch(`${origin}/api/health`).then(
  () => true,
  () => false,
);
if (taken) throw new Error(`something already answers on ${origin}: pick another --port`);

const dataDir = mkdtempSync(join(tmpdir(), "neuronedge-keys-page-"));
const server = spawn(process.execPath, [join(root, "scripts/start.mjs")], {
  cwd: root,
  stdio: ["ignore", "pipe", "inherit"],
  env: {
    ...process.env,
    PORT: String(port),
    HOST: "127.0.0.1",
    DATA_DIR: dataDir,
    DATABASE_URL: "",
    CLERK_SECRET_KEY: "",
    NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: "",
    NEXT_TELEMETRY_DISABLED: "1",
    // The hash's cost changes nothing on the page, and cost 4 makes 500 keys in seconds.
    BCRYPT_COST: "4",
  },
});
server.stdout?.on("data", () => {}); // drained, not shown: the build's output is long
const stop = () => {
  server.kill("SIGTERM");
  rmSync(dataDir, { recursive: true, force: true });
};
process.on("exit", stop);

async function waitForHealth(): Promise<void> {
  // The first start may build the app: up to five minutes.
  for (let i = 0; i < 600; i++) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await fetch(`${origin}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the server did not answer /api/health within 5 minutes");
}

let made = 0;
/** Keys with a deterministic mix: every 4th a test key, every 3rd with limits and an allow-list. */
async function createKeysUpTo(n: number): Promise<void> {
  while (made < n) {
    const batch = Array.from({ length: Math.min(10, n - made) }, (_, j) => made + j);
    await Promise.all(
      batch.map(async (i) => {
        const body: Record<string, unknown> = {
          name: `Service key ${String(i).padStart(4, "0")}`,
          environment: i % 4 === 3 ? "test" : "live",
        };
        if (i % 3 === 0) {
          body.limits = { requests_per_minute: 600, monthly_budget_usd: 50 };
          body.allowed_models = ["gpt-4o-mini", "claude-3-5-haiku*"];
        }
        const res = await fetch(`${origin}/api/keys`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        if (res.status !== 201) throw new Error(`POST /api/keys: ${res.status} ${await res.text()}`);
      }),
    );
    made += batch.length;
  }
}

/** The flight data inlined in the HTML: the strings of every `self.__next_f.push([1, "…"])`. */
function inlineRscBytes(html: string): number {
  let total = 0;
  for (const m of html.matchAll(/self\.__next_f\.push\((\[.*?\])\)<\/script>/gs)) {
    const [kind, chunk] = JSON.parse(m[1]) as [number, string?];
    if (kind === 1 && typeof chunk === "string") total += Buffer.byteLength(chunk);
  }
  return total;
}

interface Row {
  keys: number;
  url: string;
  rows: number;
  html: number;
  htmlGzip: number;
  inlineRsc: number;
  rsc: number | null;
  rscGzip: number | null;
}

async function measure(keys: number, path: string): Promise<Row> {
  const res = await fetch(`${origin}${path}`);
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  const html = Buffer.from(await res.arrayBuffer());
  const text = html.toString("utf8");
  const flight = await fetch(`${origin}${path}`, { headers: { RSC: "1" } });
  const flightBody = Buffer.from(await flight.arrayBuffer());
  const isFlight = flight.ok && (flight.headers.get("content-type") ?? "").includes("text/x-component");
  return {
    keys,
    url: path,
    // Elements per key in the HTML: two per key when the page renders a table and cards.
    rows: text.match(/data-key-row=""/g)?.length ?? 0,
    html: html.length,
    htmlGzip: gzipSync(html).length,
    inlineRsc: inlineRscBytes(text),
    rsc: isFlight ? flightBody.length : null,
    rscGzip: isFlight ? gzipSync(flightBody).length : null,
  };
}

const kb = (n: number | null) => (n === null ? "n/a" : `${(n / 1024).toFixed(1)} KB`);

async function main() {
  await waitForHealth();
  const results: Row[] = [];
  for (const n of counts) {
    await createKeysUpTo(n);
    results.push(await measure(n, "/dashboard/keys"));
    for (const size of sizes) results.push(await measure(n, `/dashboard/keys?size=${size}`));
    results.push(await measure(n, "/dashboard/keys?page=3"));
  }
  console.log("| keys | URL | key rows in HTML | HTML | HTML gzip | RSC inlined | RSC fetch | RSC fetch gzip |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of results) {
    console.log(
      `| ${r.keys} | ${r.url} | ${r.rows} | ${r.html} (${kb(r.html)}) | ${r.htmlGzip} | ${kb(r.inlineRsc)} | ${kb(r.rsc)} | ${kb(r.rscGzip)} |`,
    );
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
