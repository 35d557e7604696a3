"use client";

import { useKeyDialogs } from "@/components/keys/key-dialogs";
import { Button } from "@/components/ui/button";
import type { KeyView } from "@/lib/keys/service";

/** The budget notice's way out: the page's own Edit policy dialog; nothing for read-only members. */
export function EditPolicyAction({ keyView }: { keyView: KeyView }) {
  const { openEditPolicy, readOnly } = useKeyDialogs();
  if (readOnly) return null;
  return (
    <Button variant="secondary" size="sm" onClick={() => openEditPolicy(keyView)}>
      Edit policy
    </Button>
  );
}
