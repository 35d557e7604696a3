// The printed table: one row per measurement from the results, with its target and verdict
// (bench/targets.ts) where it has one.
import { FIRST_CHUNK_GAP_MS, type Options } from "./options";
import { judge, TARGETS, type Judged } from "./targets";

export type Row = { measurement: string; figure: string; ratio: string; target: string; met: string };
export type TargetResult = { name: string; value: number | null; target: string; met: boolean };

const fmt = (x: number | undefined, unit: string, digits = 0) =>
  x === undefined ? "—" : `${x.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })} ${unit}`.trim();

const LABELS: Record<string, string> = {
  direct: "client → mock directly",
  bare: "bare node:http + undici proxy",
  gateway: "NeuronEdge (npm start /v1 door)",
  portkey: "Portkey gateway 1.15",
  next: "NeuronEdge route handler (next start)",
};
const THROUGHPUT_TARGETS = ["direct", "bare", "gateway", "portkey", "next"];

/** The table's rows and the targets judged, from results.json's `results`. */
export function reportRows(results: Record<string, unknown>, opt: Options, errorCount: number): { rows: Row[]; targets: TargetResult[] } {
  const rows: Row[] = [];
  const targets: TargetResult[] = [];
  const get = (path: string): number | undefined => {
    let v: unknown = results;
    for (const k of path.split(".")) v = (v as Record<string, unknown> | undefined)?.[k];
    return typeof v === "number" ? v : undefined;
  };
  const row = (measurement: string, figure: string, ratio = "", judged?: Judged) => {
    rows.push({ measurement, figure, ratio, target: judged?.target ?? "", met: judged === undefined ? "" : judged.met ? "yes" : "no" });
    if (judged) targets.push({ name: measurement, value: judged.value ?? null, target: judged.target, met: judged.met });
  };

  const tDirect = get("throughput.direct.rps");
  const tGateway = get("throughput.gateway.rps");
  if (results.throughput) {
    for (const name of THROUGHPUT_TARGETS) {
      const rps = get(`throughput.${name}.rps`);
      if (rps === undefined) continue;
      const ratio = tDirect ? `${(rps / tDirect).toFixed(2)}× direct` : "";
      const rounds = (results.throughput as Record<string, { rounds?: number[] }>)[name]?.rounds ?? [];
      const figure =
        fmt(rps, "req/s") + (rounds.length > 1 ? ` (median of ${rounds.map((x) => x.toLocaleString("en-US")).join(", ")})` : "");
      const vsDirect = get("throughput.ratios.gatewayVsDirect.median");
      const vsBare = get("throughput.ratios.gatewayVsBare.median");
      if (name === "gateway" && vsDirect !== undefined) {
        const each = (results.throughput as { ratios: { gatewayVsDirect: { rounds: number[] } } }).ratios.gatewayVsDirect.rounds;
        const detail = `${vsDirect.toFixed(2)}× direct${each.length > 1 ? ` (rounds: ${each.map((x) => x.toFixed(2)).join(", ")})` : ""}${vsBare === undefined ? "" : `, ${vsBare.toFixed(2)}× bare`}`;
        row(`Throughput, ${LABELS[name]}`, figure, detail, judge(TARGETS.throughputVsDirect, vsDirect));
      } else if (name === "bare" && get("throughput.ratios.bareVsDirect.median") !== undefined) {
        row(`Throughput, ${LABELS[name]}`, figure, `${get("throughput.ratios.bareVsDirect.median")!.toFixed(2)}× direct`);
      } else row(`Throughput, ${LABELS[name]}`, figure, ratio);
    }
    // CPU per request hardly depends on what else the machine does: the steadier comparison.
    const cpu = (name: string) => get(`throughput.${name}.cpuUsPerRequest`);
    const withCpu = THROUGHPUT_TARGETS.filter((n) => cpu(n) !== undefined);
    const gCpu = cpu("gateway");
    const bCpu = cpu("bare");
    if (withCpu.length > 0) {
      row(
        `CPU time per request, own process only (${withCpu.join(" / ")})`,
        `${withCpu.map((n) => fmt(cpu(n), "")).join(" / ")} µs`,
        gCpu && bCpu ? `gateway ${(gCpu / bCpu).toFixed(2)}× bare` : "",
      );
    }
    const writeCpu = get("usage.writeCpuUsPerRequest");
    if (writeCpu !== undefined) {
      const wall = get("usage.writeWallUsPerRequest");
      // A batch is 1,000 events: µs a request is also ms a full batch holds the event loop.
      row(
        "Usage batch writes into the embedded database, per request: CPU (wall time the event loop was held)",
        `${fmt(writeCpu, "", 1)} (${fmt(wall, "", 1)}) µs`,
        gCpu ? `${((writeCpu / gCpu) * 100).toFixed(0)}% of the gateway's CPU per request` : "",
      );
      const n = get("usage.requests") ?? NaN;
      const ev = get("usage.events") ?? NaN;
      const hr = get("usage.hourly") ?? NaN;
      const dy = get("usage.daily") ?? NaN;
      const worst = Math.max(Math.abs(ev - n), Math.abs(hr - n), Math.abs(dy - n));
      row(
        `Usage recorded for ${fmt(n, "")} requests at ${opt.connections} connections (events / hourly / daily rollups)`,
        `${fmt(ev, "")} / ${fmt(hr, "")} / ${fmt(dy, "")}`,
        "",
        judge(TARGETS.usageRecorded, worst, ev - n),
      );
    }
    const tPortkey = get("throughput.portkey.rps");
    if (tGateway && tPortkey) {
      const vs = tGateway / tPortkey;
      row("Throughput, NeuronEdge vs Portkey", `${vs.toFixed(2)}×`, `${vs.toFixed(2)}× Portkey`, judge(TARGETS.throughputVsPortkey, vs));
    }
  }
  if (results.latency) {
    for (const name of ["direct", "bare", "gateway"]) {
      row(
        `Latency p50 / p99 at 1 connection, ${name}`,
        `${fmt(get(`latency.${name}.p50Ms`), "", 3)} / ${fmt(get(`latency.${name}.p99Ms`), "ms", 3)}`,
      );
    }
    const added = (get("latency.gateway.p50Ms") ?? NaN) - (get("latency.direct.p50Ms") ?? NaN);
    const bareAdded = (get("latency.bare.p50Ms") ?? NaN) - (get("latency.direct.p50Ms") ?? NaN);
    row(
      "Added latency p50 (gateway − direct)",
      `${added.toFixed(3)} ms`,
      `bare adds ${bareAdded.toFixed(3)} ms`,
      judge(TARGETS.addedLatencyMs, added),
    );
  }
  // Direct / bare / gateway figures of one stream measurement, and what bare and the gateway add.
  const three = (key: string, field: string) => ["direct", "bare", "gateway"].map((n) => get(`${key}.${n}.${field}`) ?? NaN);
  const threeFigures = ([d, b, g]: number[]) =>
    [`${d.toFixed(3)} / ${b.toFixed(3)} / ${g.toFixed(3)} ms`, `+${(g - d).toFixed(3)} ms (bare +${(b - d).toFixed(3)})`] as const;
  if (results.stream) {
    const first = three("stream", "ttfbP50Ms");
    row(
      `Stream of ${opt.streamChunks} chunks as a model sends it, first chunk p50 (direct / bare / gateway)`,
      ...threeFigures(first),
      judge(TARGETS.firstChunkVsBare, (first[2] - first[0]) / (first[1] - first[0])),
    );
    row(
      `Same stream, whole stream p50 (${FIRST_CHUNK_GAP_MS} ms pause after the first chunk included)`,
      ...threeFigures(three("stream", "totalP50Ms")),
    );
  }
  if (results.streamBurst) {
    row(
      `Stream of ${opt.streamChunks} chunks sent back to back in one write, whole stream p50`,
      ...threeFigures(three("streamBurst", "totalP50Ms")),
    );
  }
  if (results.largePrompt) {
    const d = get("largePrompt.direct.p50Ms") ?? NaN;
    const g = get("largePrompt.gateway.p50Ms") ?? NaN;
    row(
      `${(opt.promptBytes / 1048576).toFixed(0)} MB prompt, p50 at 1 connection (direct / gateway)`,
      `${d.toFixed(2)} / ${g.toFixed(2)} ms`,
      `+${(g - d).toFixed(2)} ms`,
    );
    const ds = get("largeStream.direct.totalP50Ms") ?? NaN;
    const gs = get("largeStream.gateway.totalP50Ms") ?? NaN;
    const mb = (get("largeStream.direct.bytes") ?? 0) / 1048576;
    row(
      `${mb.toFixed(1)} MB streamed response (${opt.largeChunks} chunks), p50 (direct / gateway)`,
      `${ds.toFixed(2)} / ${gs.toFixed(2)} ms`,
      `+${(gs - ds).toFixed(2)} ms`,
    );
  }
  if (results.memory) memoryRows(get, opt, row);
  if (results.cold) {
    const idle = get("cold.idleP99Ms") ?? NaN;
    const during = get("cold.duringBurstP99Ms") ?? NaN;
    row(
      `Cached-key p99 while ${opt.coldKeys} never-seen keys verify (idle / during)`,
      `${idle.toFixed(3)} / ${during.toFixed(3)} ms`,
      `${(during / idle).toFixed(1)}× idle`,
      judge(TARGETS.coldVsIdle, during / idle),
    );
  }
  if (results.flood) {
    const idle = get("flood.idleP99Ms") ?? NaN;
    const during = get("flood.duringFloodP99Ms") ?? NaN;
    row(
      `Cached-key p99 during a flood of ${opt.floodKeys} forged secrets for one id (idle / during)`,
      `${idle.toFixed(3)} / ${during.toFixed(3)} ms`,
      `${(during / idle).toFixed(1)}× idle`,
      judge(TARGETS.floodVsIdle, during / idle),
    );
  }
  if (results.cheap) {
    const vs = get("cheap.gatewayVsBare") ?? NaN;
    row(
      "Throughput against a cheap upstream, gateway / bare proxy (direct)",
      `${(get("cheap.gateway.rps") ?? NaN).toFixed(0)} / ${(get("cheap.bare.rps") ?? NaN).toFixed(0)} (${(get("cheap.direct.rps") ?? NaN).toFixed(0)}) req/s`,
      `${vs.toFixed(2)}×`,
      judge(TARGETS.cheapVsBare, vs),
    );
    const vsPortkey = get("cheap.gatewayVsPortkey");
    if (vsPortkey !== undefined) {
      row(
        "Throughput against a cheap upstream, gateway / Portkey",
        `${(get("cheap.gateway.rps") ?? NaN).toFixed(0)} / ${(get("cheap.portkey.rps") ?? NaN).toFixed(0)} req/s`,
        `${vsPortkey.toFixed(2)}×`,
        judge(TARGETS.cheapVsPortkey, vsPortkey),
      );
    }
    const first = three("cheap.stream", "ttfbP50Ms");
    row(
      "Stream from a cheap upstream, first chunk p50 (direct / bare / gateway)",
      ...threeFigures(first),
      judge(TARGETS.firstChunkVsBare, (first[2] - first[0]) / (first[1] - first[0])),
    );
  }
  if (results.keys) {
    const keys = get("keys.keys") ?? NaN;
    const tenth = Math.max(1, Math.round(keys / 10));
    for (const n of [...new Set([tenth, keys])]) {
      const vs = get(`keys.active${n}.vsOneKey`) ?? NaN;
      row(
        `Throughput with ${n} verified keys in turn, past their TTL (vs one key)`,
        `${(get(`keys.active${n}.rps`) ?? NaN).toFixed(0)} / ${(get("keys.active1.rps") ?? NaN).toFixed(0)} req/s`,
        `${vs.toFixed(2)}×`,
        judge(TARGETS.manyKeysVsOne, vs),
      );
    }
  }
  row("Errors (failed requests, non-2xx, dead children)", String(errorCount), "", judge(TARGETS.errors, errorCount));
  return { rows, targets };
}

function memoryRows(
  get: (path: string) => number | undefined,
  opt: Options,
  row: (m: string, f: string, r?: string, j?: Judged) => void,
): void {
  const peak = get("memory.rssPeakMb") ?? NaN;
  const before = get("memory.rssBeforeMb") ?? NaN;
  const allOpen = get("memory.rssAllOpenMb");
  row(
    `Gateway RSS (the /v1 door alone), ${opt.memoryStreams} slow streams open at once (embedded PGlite in the same process)`,
    `${peak.toFixed(0)} MB peak${allOpen === undefined ? "" : `, ${allOpen.toFixed(0)} MB with all open`} (${before.toFixed(0)} MB before)`,
    `+${(peak - before).toFixed(0)} MB for the streams`,
    judge(TARGETS.gatewayRssMb, peak),
  );
  const wasm = get("memory.pgliteWasmMb");
  const wasmResident = get("memory.allOpenPgliteResidentMb");
  if (wasm !== undefined && wasmResident !== undefined && allOpen !== undefined) {
    row(
      `Gateway RSS with all streams open, less the embedded database's resident WebAssembly pages (of its ${wasm.toFixed(0)} MB heap)`,
      `${(allOpen - wasmResident).toFixed(0)} MB (${wasmResident.toFixed(0)} MB resident in the database)`,
      "",
    );
  }
  const appPeak = get("memoryApp.rssPeakMb");
  if (appPeak !== undefined) {
    const appBefore = get("memoryApp.rssBeforeMb") ?? NaN;
    row(
      `npm start RSS (dashboard loaded too), ${opt.memoryStreams} slow streams open at once`,
      `${appPeak.toFixed(0)} MB peak (${appBefore.toFixed(0)} MB before)`,
      `+${(appPeak - appBefore).toFixed(0)} MB for the streams`,
      judge(TARGETS.appRssMb, appPeak),
    );
  }
  const first = get("firstStartRssMb");
  if (first !== undefined) row("RSS of the process that created the embedded database (first start)", `${first} MB`);
}

/** The rows as a Markdown table, columns padded to their widest cell. */
export function formatTable(rows: Row[]): string {
  const header: Row = { measurement: "Measurement", figure: "Figure", ratio: "Ratio", target: "Target", met: "Met" };
  const cols = ["measurement", "figure", "ratio", "target", "met"] as const;
  const widths = cols.map((c) => Math.max(...[header, ...rows].map((r) => String(r[c]).length)));
  const line = (r: Row) => `| ${cols.map((c, i) => String(r[c]).padEnd(widths[i])).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}
