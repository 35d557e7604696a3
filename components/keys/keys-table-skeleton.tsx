import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TR, Table } from "@/components/ui/table";
import { KEY_COLUMNS, KeysTableHead } from "./keys-table";

/** The keys list while it loads: the same columns and row height as <KeysTable>, and cards on phones. */
export function KeysTableSkeleton({ rows = 3 }: { rows?: number }) {
  const each = Array.from({ length: rows }, (_, i) => i);
  return (
    <>
      <div className="hidden sm:block">
        <Table className="table-fixed" aria-busy="true">
          <caption className="sr-only">Loading API keys…</caption>
          <KeysTableHead />
          <TBody>
            {each.map((i) => (
              <TR key={i}>
                <TD>
                  <Skeleton className="h-4 w-32" />
                  <span className="mt-1 block">
                    <Skeleton className="h-3 w-24" />
                  </span>
                </TD>
                <TD>
                  <span className="flex items-center gap-2">
                    <Skeleton className="h-4 w-28" />
                    <Skeleton className="h-5 w-10 rounded-full" />
                  </span>
                </TD>
                <TD>
                  <Skeleton className="h-5 w-16 rounded-full" />
                </TD>
                <TD className={KEY_COLUMNS.lastUsed}>
                  <Skeleton className="h-4 w-20" />
                </TD>
                <TD className={KEY_COLUMNS.usage}>
                  <Skeleton className="h-5 w-28" />
                </TD>
                <TD className={KEY_COLUMNS.cost}>
                  <Skeleton className="ml-auto h-4 w-12" />
                </TD>
                <TD>
                  <Skeleton className="ml-auto size-8" />
                </TD>
              </TR>
            ))}
          </TBody>
        </Table>
      </div>
      <ul aria-busy="true" className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white shadow-sm sm:hidden">
        {each.map((i) => (
          <li key={i} className="space-y-2 px-4 py-3">
            <Skeleton className="h-4 w-40" />
            <Skeleton className="h-5 w-16 rounded-full" />
            <Skeleton className="h-4 w-32" />
          </li>
        ))}
      </ul>
    </>
  );
}
