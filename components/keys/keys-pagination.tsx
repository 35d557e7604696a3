import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { formatInteger } from "@/components/usage/format";
import { KEYS_PAGE_SIZES, keysListHref, type KeysListPage, type KeysListParams } from "@/lib/keys/list-view";
import { KeysPageSize } from "./keys-page-size";

/**
 * "51–100 of 230 keys · Page 2 of 5", the page size, and links to the neighbouring pages;
 * nothing when the smallest page size would hold every key.
 */
export function KeysPagination({ list, params }: { list: KeysListPage; params: KeysListParams }) {
  if (list.pages <= 1 && list.matching <= KEYS_PAGE_SIZES[0]) return null;
  const link = (page: number, label: string, rel: "prev" | "next") => (
    <Link href={keysListHref({ ...params, page })} rel={rel} className={buttonClasses({ variant: "secondary", size: "sm" })}>
      {label}
    </Link>
  );
  const disabled = (label: string) => (
    <span
      aria-disabled="true"
      className={buttonClasses({ variant: "secondary", size: "sm", className: "cursor-not-allowed text-zinc-500" })}
    >
      {label}
    </span>
  );
  return (
    <nav aria-label="Pages of API keys" className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-600">
      <p>
        {formatInteger(list.from)}–{formatInteger(list.to)} of {formatInteger(list.matching)} keys ·{" "}
        <span data-page-indicator="">
          Page {list.page} of {list.pages}
        </span>
      </p>
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <KeysPageSize params={params} />
        <div className="flex gap-2">
          {list.page > 1 ? link(list.page - 1, "Previous", "prev") : disabled("Previous")}
          {list.page < list.pages ? link(list.page + 1, "Next", "next") : disabled("Next")}
        </div>
      </div>
    </nav>
  );
}
