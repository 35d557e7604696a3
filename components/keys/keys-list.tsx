"use client";

import { DateTime } from "@/components/ui/date-time";
import { Table } from "@/components/ui/table";
import type { KeyListItem } from "@/lib/keys/list-item";
import { EnvironmentBadge } from "./key-badges";
import { KeyCost, KeyLastUsed, KeyNameLink, KeyStatus, WeeklyUsageCell } from "./key-list-cells";
import { KEY_LIST, KeysTableHead, PhoneLabel } from "./key-list-layout";
import { KeyRowActions } from "./key-row-actions";

// A client component so that each row travels in the page's RSC payload as its compact item
// (lib/keys/list-item.ts), not as its rendered markup: the HTML holds each row's markup once.
// Still rendered on the server: the first paint has the rows, and no client fetch is made.

/** `now` is the server's clock, so the relative times ("expires in 3 days") hydrate as rendered. */
export function KeysList({ items, now }: { items: KeyListItem[]; now: number }) {
  return (
    <Table className={KEY_LIST}>
      <caption className="sr-only">API keys</caption>
      <KeysTableHead />
      <tbody>
        {items.map((item) => (
          <KeyRow key={item.id} item={item} now={now} />
        ))}
      </tbody>
    </Table>
  );
}

function KeyRow({ item, now }: { item: KeyListItem; now: number }) {
  return (
    <tr data-key-id={item.id} data-key-row="" data-inactive={item.status !== "active" ? "" : undefined}>
      <td>
        <KeyNameLink item={item} />
        <span className="key-created">
          Created <DateTime iso={item.created_at} />
        </span>
      </td>
      <td>
        {/* The environment sits with the prefix it is part of, which leaves room for usage. */}
        <span className="key-prefix">
          <code>{`${item.prefix}…`}</code>
          <EnvironmentBadge environment={item.environment} />
        </span>
      </td>
      <td>
        <KeyStatus item={item} now={now} />
      </td>
      <td>
        <PhoneLabel>Last used</PhoneLabel>
        <KeyLastUsed iso={item.last_used_at} />
      </td>
      <td>
        <WeeklyUsageCell usage={item.usage} />
      </td>
      <td>
        <PhoneLabel>This month</PhoneLabel>
        <KeyCost usd={item.cost} />
      </td>
      <td>
        <KeyRowActions item={item} />
      </td>
    </tr>
  );
}
