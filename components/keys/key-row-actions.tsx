"use client";

import { Button } from "@/components/ui/button";
import type { KeyView } from "@/lib/keys/service";
import { useKeyDialogs } from "./key-dialogs";

export function KeyRowActions({ keyView }: { keyView: KeyView }) {
  const { openRename, openRevoke, readOnly } = useKeyDialogs();
  if (keyView.status === "revoked" || readOnly) return null;
  return (
    <div className="flex justify-end gap-1">
      {/* The names in aria-label tell screen-reader users which row's button this is. */}
      <Button variant="ghost" size="sm" aria-label={`Rename “${keyView.name}”`} onClick={() => openRename(keyView)}>
        Rename
      </Button>
      <Button variant="ghost-danger" size="sm" aria-label={`Revoke “${keyView.name}”`} onClick={() => openRevoke(keyView)}>
        Revoke
      </Button>
    </div>
  );
}
