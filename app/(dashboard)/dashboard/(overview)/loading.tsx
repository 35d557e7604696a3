import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { ChartCardSkeleton } from "@/components/usage/chart-card";
import { OVERVIEW_DESCRIPTION, StatCard, SUMMARY_LABELS } from "./overview";

// Same header, filters, cards and chart boxes as the overview page; only the data is missing.
export default function OverviewLoading() {
  return (
    <div role="status" aria-label="Loading overview">
      <PageHeader title="Overview" description={OVERVIEW_DESCRIPTION} action={<Skeleton className="h-9 w-[8.25rem] rounded-md" />} />
      <div className="mt-6 flex flex-wrap items-end gap-x-4 gap-y-3">
        <FilterSkeleton label="Time range" width="w-[16rem]" />
        <FilterSkeleton label="Environment" width="w-[7.5rem]" />
        <Skeleton className="h-9 w-[9.5rem] rounded-md sm:ml-auto" />
      </div>
      <div className="mt-3 flex flex-wrap items-end gap-x-4 gap-y-3">
        <FilterSkeleton label="Key" width="w-full sm:w-60" />
        <FilterSkeleton label="Provider" width="w-full sm:w-44" />
        <FilterSkeleton label="Model" width="w-full sm:w-64" />
        <FilterSkeleton label="From (UTC)" width="w-[calc(50%-0.375rem)] sm:w-40" />
        <FilterSkeleton label="To (UTC)" width="w-[calc(50%-0.375rem)] sm:w-40" />
      </div>
      <Skeleton className="mt-6 mb-2 h-5 w-64" />
      <div className="grid gap-4 sm:grid-cols-3 lg:grid-cols-5">
        {SUMMARY_LABELS.map((label) => (
          <StatCard key={label} label={label} value={<Skeleton className="h-8 w-20" />} detail={<Skeleton className="h-4 w-28" />} />
        ))}
      </div>
      <div className="mt-6 grid gap-6 lg:grid-cols-2">
        <ChartCardSkeleton title="Tokens" description="Input and output tokens, stacked by key." />
        <ChartCardSkeleton title="Cost" description="USD at list prices, stacked by key." />
        <div className="lg:col-span-2">
          <ChartCardSkeleton title="Requests" description="Failed requests (HTTP 4xx and 5xx) in red; the line is the error rate." />
        </div>
      </div>
    </div>
  );
}

function FilterSkeleton({ label, width }: { label: string; width: string }) {
  return (
    <div className={`space-y-1 ${width}`}>
      <p className="text-xs font-medium text-zinc-500">{label}</p>
      <Skeleton className="h-9 w-full rounded-md" />
    </div>
  );
}
