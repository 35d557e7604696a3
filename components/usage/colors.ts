import type { SeriesKey } from "@/lib/usage/chart-series";

// One colour per key in the stacked charts (by rank, so the biggest key is always the darkest),
// grey for the "other keys" bucket. Shared by the charts and anything that names a key's colour.

const KEY_COLORS = ["#27272a", "#0ea5e9", "#10b981", "#f59e0b", "#8b5cf6", "#f43f5e"];
const OTHER = "#a1a1aa";

export function seriesColor(s: SeriesKey): string {
  return s.id === "other" ? OTHER : KEY_COLORS[s.slot % KEY_COLORS.length];
}

export const USAGE_COLORS = {
  requests: "#3f3f46",
  errors: "#f87171",
  errorRate: "#dc2626",
  input: "#3f3f46",
  output: "#38bdf8",
} as const;
