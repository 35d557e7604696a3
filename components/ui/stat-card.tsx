import type { ReactNode } from "react";
import { Card } from "./card";

/** A number with a label and one line of detail. Fixed heights, so skeletons can match it exactly. */
export function StatCard({ label, value, detail }: { label: string; value: ReactNode; detail: ReactNode }) {
  return (
    <Card className="min-w-0 px-5 py-4">
      <p className="text-sm font-medium text-zinc-500">{label}</p>
      <div className="mt-2 flex h-9 items-center truncate text-3xl font-semibold tracking-tight text-zinc-900 tabular-nums">{value}</div>
      {/* min-h: a long detail (e.g. unknown cost) wraps rather than hiding its end. */}
      <div className="mt-2 flex min-h-5 items-center text-sm text-zinc-500">{detail}</div>
    </Card>
  );
}
