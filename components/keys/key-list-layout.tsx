import { TH, THead } from "@/components/ui/table";
import "./keys-list.css";

// One markup for the keys list at every width: a table with a fixed layout from sm up (a long
// name truncates instead of pushing the actions out), and below sm each row is a card (name and
// actions on top, then status, key, last use and spend). The columns' styles are in
// keys-list.css, once per page rather than on every row; the list and its skeleton share them.

/** The table's class: the list's columns and cards. */
export const KEY_LIST = "key-list";

/** The header's widths, which a fixed table layout takes from its first row. */
const HEAD_WIDTHS = {
  key: "w-48",
  status: "w-44",
  lastUsed: "hidden w-40 lg:table-cell",
  usage: "hidden w-40 xl:table-cell",
  cost: "hidden w-28 text-right md:table-cell",
  actions: "w-14",
} as const;

export function KeysTableHead() {
  return (
    <THead>
      <tr>
        <TH>Name</TH>
        <TH className={HEAD_WIDTHS.key}>Key</TH>
        <TH className={HEAD_WIDTHS.status}>Status</TH>
        <TH className={HEAD_WIDTHS.lastUsed}>Last used</TH>
        <TH className={HEAD_WIDTHS.usage}>7-day usage</TH>
        <TH className={HEAD_WIDTHS.cost}>
          <abbr title="Cost this month to date (UTC)" className="no-underline">
            Cost MTD
          </abbr>
        </TH>
        <TH className={HEAD_WIDTHS.actions}>
          <span className="sr-only">Actions</span>
        </TH>
      </tr>
    </THead>
  );
}

/** A card's label for a line that the table's header names on wider screens. */
export function PhoneLabel({ children }: { children: string }) {
  return <span className="key-label">{children}</span>;
}
