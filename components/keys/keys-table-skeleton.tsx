import { Skeleton } from "@/components/ui/skeleton";
import { TBody, TD, TR, Table } from "@/components/ui/table";
import { KeysTableHead } from "./keys-table";

/** The keys table while it loads: same columns, row height and widths as <KeysTable>. */
export function KeysTableSkeleton({ rows = 3 }: { rows?: number }) {
  return (
    <Table className="sm:min-w-[40rem]" aria-busy="true">
      <caption className="sr-only">Loading API keys…</caption>
      <KeysTableHead />
      <TBody>
        {Array.from({ length: rows }, (_, i) => (
          <TR key={i}>
            <TD>
              <Skeleton className="h-4 w-32" />
              <span className="mt-1 hidden sm:block">
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
              <Skeleton className="h-4 w-20" />
            </TD>
            <TD>
              <Skeleton className="h-5 w-28" />
            </TD>
            <TD className="hidden sm:table-cell">
              <Skeleton className="h-5 w-16 rounded-full" />
            </TD>
            <TD className="w-0 pr-2">
              <Skeleton className="h-8 w-36" />
            </TD>
          </TR>
        ))}
      </TBody>
    </Table>
  );
}
