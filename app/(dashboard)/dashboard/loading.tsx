import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Skeleton } from "@/components/ui/skeleton";
import { OVERVIEW_DESCRIPTION, QuickstartIntro, QUICKSTART_TITLE, StatCard } from "./overview";

// Same cards, same sizes as the overview page; only the numbers are missing.
export default function OverviewLoading() {
  return (
    <div role="status" aria-label="Loading overview">
      <PageHeader title="Overview" description={OVERVIEW_DESCRIPTION} action={<Skeleton className="h-9 w-[8.25rem] rounded-md" />} />
      <div className="mt-6 grid gap-4 sm:grid-cols-3">
        {["Active keys", "Last request", "Keys"].map((label) => (
          <StatCard key={label} label={label} value={<Skeleton className="h-8 w-16" />} detail={<Skeleton className="h-4 w-28" />} />
        ))}
      </div>
      <Card className="mt-6">
        <CardHeader title={QUICKSTART_TITLE} description={<QuickstartIntro />} />
        <div className="space-y-4 px-5 py-5">
          <Skeleton className="h-[11.75rem] w-full rounded-lg" />
          <Skeleton className="h-11 w-full" />
        </div>
      </Card>
    </div>
  );
}
