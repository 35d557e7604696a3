import { Skeleton } from "@/components/ui/skeleton";
import { Table } from "@/components/ui/table";
import { KEY_LIST, KeysTableHead } from "./key-list-layout";

/** The keys list while it loads: the same columns, row height and phone cards as <KeysList>. */
export function KeysTableSkeleton({ rows = 3 }: { rows?: number }) {
  const each = Array.from({ length: rows }, (_, i) => i);
  return (
    <Table className={KEY_LIST} aria-busy="true">
      <caption className="sr-only">Loading API keys…</caption>
      <KeysTableHead />
      <tbody>
        {each.map((i) => (
          <tr key={i}>
            <td>
              <Skeleton className="h-4 w-32" />
              <span className="key-created mt-1">
                <Skeleton className="h-3 w-24" />
              </span>
            </td>
            <td>
              <span className="key-prefix">
                <Skeleton className="h-4 w-28" />
                <Skeleton className="h-5 w-10 rounded-full" />
              </span>
            </td>
            <td>
              <Skeleton className="h-5 w-16 rounded-full" />
            </td>
            <td>
              <Skeleton className="h-4 w-20" />
            </td>
            <td>
              <Skeleton className="h-5 w-28" />
            </td>
            <td>
              <Skeleton className="ml-auto h-4 w-12 max-sm:ml-0" />
            </td>
            <td>
              <Skeleton className="ml-auto size-8" />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
