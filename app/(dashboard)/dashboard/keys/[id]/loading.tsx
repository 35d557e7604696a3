import { Card, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { StatCard } from "@/components/ui/stat-card";
import { ChartCardSkeleton } from "@/components/usage/chart-card";
import { KEY_CHARTS, KEY_SUMMARY_LABELS, KeyBreadcrumb, RECENT_DESCRIPTION } from "./key-page-parts";

// The key page's frame at its final sizes while its usage loads.
export default function KeyLoading() {
  return (
    <div role="status" aria-label="Loading key usage">
      <KeyBreadcrumb name={null} />
      <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
        <div className="min-w-0">
          <Skeleton className="h-8 w-56" />
          <Skeleton className="mt-2 h-5 w-80 max-w-full" />
        </div>
        <Skeleton className="h-8 w-36" />
      </div>
      <Card className="mt-6">
        <CardHeader
          title="Policy"
          description="What this key may call and how much. Checked on every request."
          action={<Skeleton className="h-8 w-12" />}
        />
        <div className="grid gap-x-6 gap-y-4 px-5 py-4 sm:grid-cols-2 lg:grid-cols-4">
          {Array.from({ length: 8 }, (_, i) => (
            <div key={i} className={i >= 6 ? "sm:col-span-2" : undefined}>
              <Skeleton className="h-5 w-28" />
              <Skeleton className="mt-1 h-5 w-20" />
            </div>
          ))}
        </div>
      </Card>
      <div className="mt-6 flex h-8 items-center justify-between gap-3">
        <Skeleton className="h-5 w-40" />
        <Skeleton className="h-8 w-64 max-w-[50%]" />
      </div>
      <div className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {KEY_SUMMARY_LABELS.map((label) => (
          <StatCard key={label} label={label} value={<Skeleton className="h-8 w-20" />} detail={<Skeleton className="h-4 w-28" />} />
        ))}
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <ChartCardSkeleton title={KEY_CHARTS.requests.title} description={KEY_CHARTS.requests.description} />
        <ChartCardSkeleton title={KEY_CHARTS.tokens.title} description={KEY_CHARTS.tokens.description} />
      </div>
      <div className="mt-8">
        <p className="text-base font-semibold text-zinc-900">Recent requests</p>
        <p className="mt-1 mb-3 text-sm text-zinc-500">{RECENT_DESCRIPTION}</p>
        <Skeleton className="h-64 w-full rounded-lg" />
      </div>
    </div>
  );
}
