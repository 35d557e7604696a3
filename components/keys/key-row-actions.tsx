"use client";

import { Menu, type MenuItem } from "@/components/ui/menu";
import { itemTarget, type KeyListItem, type KeyTarget } from "@/lib/keys/list-item";
import { useKeyDialogs } from "./key-dialogs";

export type KeyAction = "rename" | "policy" | "roll" | "disable" | "enable" | "revoke";

/** A key can be rolled once, while it works; a rolled key points to its successor instead. */
export function canRoll(key: Pick<KeyTarget, "status"> & { replaced_by?: string | null }): boolean {
  return key.status === "active" && !key.replaced_by;
}

/** What can still be done to a key in its state: nothing to a revoked one; an expired one can only be renamed or revoked. */
export function keyActions(key: Pick<KeyTarget, "status"> & { replaced_by?: string | null }): KeyAction[] {
  switch (key.status) {
    case "revoked":
      return [];
    case "expired":
      return ["rename", "revoke"];
    case "disabled":
      return ["rename", "policy", "enable", "revoke"];
    case "active":
      return canRoll(key) ? ["rename", "policy", "roll", "disable", "revoke"] : ["rename", "policy", "disable", "revoke"];
  }
}

export const ACTION_LABELS: Record<KeyAction, string> = {
  rename: "Rename",
  policy: "Edit policy",
  roll: "Roll",
  disable: "Disable",
  enable: "Enable",
  revoke: "Revoke",
};

/** The dialog opener of each action. */
export function useKeyActionHandlers(): Record<KeyAction, (key: KeyTarget) => void> {
  const d = useKeyDialogs();
  return {
    rename: d.openRename,
    policy: d.openEditPolicy,
    roll: d.openRoll,
    disable: d.openDisable,
    enable: d.openEnable,
    revoke: d.openRevoke,
  };
}

/** One menu per row: the row stays narrow however many actions a key has. */
export function KeyRowActions({ item }: { item: KeyListItem }) {
  const { readOnly } = useKeyDialogs();
  const handlers = useKeyActionHandlers();
  const actions = keyActions(item);
  if (readOnly || actions.length === 0) return null;
  const items: MenuItem[] = actions.map((a) => ({
    label: ACTION_LABELS[a],
    onSelect: () => handlers[a](itemTarget(item)),
    tone: a === "revoke" || a === "disable" ? "danger" : "default",
  }));
  // The name in the label tells screen-reader users which row's menu this is.
  return <Menu label={`Actions for “${item.name}”`} items={items} />;
}
