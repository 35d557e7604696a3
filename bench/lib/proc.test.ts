import { describe, expect, it } from "vitest";
import { parseCpuMs, parseWasmResidentKb } from "./proc";

describe("parseCpuMs", () => {
  it("adds utime and stime (in clock ticks) even when the command name holds spaces and parentheses", () => {
    const stat = "4242 (node (bench) x) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 11 0 1000 1000000 5000";
    expect(parseCpuMs(stat)).toBe(3000);
  });
});

describe("parseWasmResidentKb", () => {
  const mapping = (start: string, end: string, perms: string, path = "") =>
    `${start}-${end} ${perms} 00000000 00:00 0${path ? `          ${path}` : ""}`;
  const entry = (head: string, rssKb: number) => `${head}\nSize: 1 kB\nRss: ${rssKb} kB\nPss: 1 kB`;

  it("counts the resident pages of a read-write anonymous mapping followed by its guard of 4 GB or more", () => {
    const smaps = [
      entry(mapping("7f0000000000", "7f0008000000", "rw-p"), 30_720), // the memory's current size
      entry(mapping("7f0008000000", "7f0208000000", "---p"), 0), // 8 GB guard right after it
      entry(mapping("7f1000000000", "7f1000100000", "rw-p"), 500), // an ordinary heap mapping
      entry(mapping("7f1000100000", "7f1000200000", "---p"), 0), // a small guard: not a wasm memory
      entry(mapping("7f2000000000", "7f2000100000", "rw-p", "/usr/lib/libc.so"), 700), // a file mapping
      entry(mapping("7f2000100000", "7f2200100000", "---p"), 0),
    ].join("\n");
    expect(parseWasmResidentKb(smaps)).toBe(30_720);
  });

  it("is 0 when the guard does not start where the memory ends, or for no mappings at all", () => {
    const apart = [
      entry(mapping("7f0000000000", "7f0008000000", "rw-p"), 1024),
      entry(mapping("7f0009000000", "7f0209000000", "---p"), 0),
    ].join("\n");
    expect(parseWasmResidentKb(apart)).toBe(0);
    expect(parseWasmResidentKb("")).toBe(0);
  });
});
