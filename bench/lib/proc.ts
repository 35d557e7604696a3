// What a child process costs, read from /proc (Linux); NaN or null elsewhere.
import { readFileSync } from "node:fs";

const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** CPU time (user + system, all threads) in ms from the text of /proc/<pid>/stat. */
export function parseCpuMs(stat: string): number {
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
}

/** CPU time (user + system, all threads) a process has used, in ms. */
export function cpuMs(pid: number): number {
  try {
    return parseCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return NaN;
  }
}

/** Resident memory of a process, in MB. */
export function rssMb(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/**
 * The resident kB of the WebAssembly memories in the text of /proc/<pid>/smaps. V8 reserves each
 * memory with gigabytes of guard space: its current size is a read-write anonymous mapping that
 * runs straight into an inaccessible one of 4 GB or more. RSS counts only the touched pages of it.
 */
export function parseWasmResidentKb(smaps: string): number {
  const maps: { start: bigint; end: bigint; perms: string; anon: boolean; rssKb: number }[] = [];
  for (const line of smaps.split("\n")) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ (\d+)\s*(.*)$/.exec(line);
    if (head)
      maps.push({
        start: BigInt(`0x${head[1]}`),
        end: BigInt(`0x${head[2]}`),
        perms: head[3],
        anon: head[4] === "0" && head[5] === "",
        rssKb: 0,
      });
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && maps.length) maps[maps.length - 1].rssKb = Number(rss[1]);
  }
  let kb = 0;
  for (let i = 0; i + 1 < maps.length; i++) {
    const [m, guard] = [maps[i], maps[i + 1]];
    const isMemory = m.anon && m.perms.startsWith("rw") && guard.anon && guard.perms.startsWith("---");
    if (isMemory && guard.start === m.end && guard.end - guard.start >= 4n << 30n) kb += m.rssKb;
  }
  return kb;
}

/** The resident pages of the process's WebAssembly memories, in MB. */
export function wasmResidentMb(pid: number): number | null {
  let smaps: string;
  try {
    smaps = readFileSync(`/proc/${pid}/smaps`, "utf8");
  } catch {
    return null;
  }
  return parseWasmResidentKb(smaps) / 1024;
}
