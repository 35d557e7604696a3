import { KeysTableSkeleton } from "@/components/keys/keys-table-skeleton";
import { Skeleton } from "@/components/ui/skeleton";
import { PageHeader } from "@/components/ui/page-header";
import { KeysPageDescription } from "./page-description";

// Same header, toolbar, table frame and row height as the page: only the data is missing.
export default function KeysLoading() {
  return (
    <div role="status" aria-label="Loading API keys">
      <PageHeader title="API keys" description={<KeysPageDescription />} action={<Skeleton className="h-9 w-[8.25rem] rounded-md" />} />
      <div className="mt-6 grid grid-cols-2 gap-3 sm:flex sm:flex-wrap">
        <Skeleton className="col-span-2 h-[3.75rem] sm:w-64" />
        <Skeleton className="h-[3.75rem] sm:w-44" />
        <Skeleton className="h-[3.75rem] sm:w-44" />
        <Skeleton className="h-[3.75rem] sm:w-44" />
      </div>
      <div className="mt-4">
        <KeysTableSkeleton />
      </div>
      <div className="mt-3 flex h-5 items-center justify-between">
        <Skeleton className="h-4 w-24" />
        <Skeleton className="h-4 w-32" />
      </div>
    </div>
  );
}
