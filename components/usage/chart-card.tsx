import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { CHART_HEIGHT_CLASS } from "./chart-size";

/** A titled chart. `summary` says in words what the chart shows, for screen readers. */
export function ChartCard({
  id,
  title,
  description,
  summary,
  children,
}: {
  id: string;
  title: string;
  description?: ReactNode;
  summary?: string;
  children: ReactNode;
}) {
  return (
    <Card role="region" aria-labelledby={`${id}-title`} data-chart={id} className="min-w-0">
      <CardHeader titleId={`${id}-title`} title={title} description={description} />
      <div className="px-3 py-4 sm:px-5">
        {summary && <p className="sr-only">{summary}</p>}
        {children}
      </div>
    </Card>
  );
}

/** The same card while the page loads: legend line and chart box at their final sizes. */
export function ChartCardSkeleton({ title, description }: { title: string; description?: ReactNode }) {
  return (
    <Card className="min-w-0">
      <CardHeader title={title} description={description} />
      <div className="space-y-3 px-3 py-4 sm:px-5">
        <Skeleton className="h-4 w-48" />
        <Skeleton className={`${CHART_HEIGHT_CLASS} w-full rounded-md`} />
      </div>
    </Card>
  );
}
