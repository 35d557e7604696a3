"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useMemo, useState, useTransition, type ReactNode } from "react";
import type { KeyTarget } from "@/lib/keys/list-item";
import { CreateKeyDialog } from "./create-key-dialog";
import { DisableKeyDialog, EnableKeyDialog } from "./disable-key-dialog";
import { EditPolicyDialog } from "./edit-policy-dialog";
import { KeyRevealDialog } from "./key-reveal-dialog";
import type { CreatedKey, RolledKey } from "./keys-api";
import type { ProviderOption } from "./policy-format";
import { RenameKeyDialog } from "./rename-key-dialog";
import { RevokeKeyDialog } from "./revoke-key-dialog";
import { RollKeyDialog } from "./roll-key-dialog";

// One owner for every key dialog on a page. The dialogs live here, above the table and the
// empty state, so a refresh that swaps those out (the first key replaces the empty state,
// a rolled key loses its Roll button) never unmounts the dialog that is showing a new key.

type Active =
  | { kind: "create" }
  | { kind: "reveal"; created: CreatedKey | RolledKey }
  | { kind: "rename"; key: KeyTarget }
  | { kind: "revoke"; key: KeyTarget }
  | { kind: "policy"; key: KeyTarget }
  | { kind: "roll"; key: KeyTarget }
  | { kind: "disable"; key: KeyTarget }
  | { kind: "enable"; key: KeyTarget }
  | null;

interface KeyDialogs {
  /** Why the person may not change keys here (their organisation role); null when they may. */
  readOnly: string | null;
  openCreate: () => void;
  openRename: (key: KeyTarget) => void;
  openRevoke: (key: KeyTarget) => void;
  openEditPolicy: (key: KeyTarget) => void;
  openRoll: (key: KeyTarget) => void;
  openDisable: (key: KeyTarget) => void;
  openEnable: (key: KeyTarget) => void;
}

const KeyDialogsContext = createContext<KeyDialogs | null>(null);

export function useKeyDialogs(): KeyDialogs {
  const ctx = useContext(KeyDialogsContext);
  if (!ctx) throw new Error("useKeyDialogs must be used inside <KeyDialogsProvider>.");
  return ctx;
}

/**
 * When the button that opened a dialog is gone (its row was revoked, its key rolled), focus the
 * page's Create key button, else the link to a rolled key's successor, else the page title.
 */
function focusFallback(): HTMLElement | null {
  return (
    document.querySelector<HTMLElement>("[data-create-key]") ??
    document.querySelector<HTMLElement>("[data-successor-link]") ??
    document.querySelector<HTMLElement>("main h1")
  );
}

export function KeyDialogsProvider({
  providers,
  readOnly = null,
  children,
}: {
  providers: readonly ProviderOption[];
  readOnly?: string | null;
  children: ReactNode;
}) {
  const router = useRouter();
  const [active, setActive] = useState<Active>(null);
  const [, startTransition] = useTransition();

  const api = useMemo<KeyDialogs>(
    () => ({
      readOnly,
      openCreate: () => setActive({ kind: "create" }),
      openRename: (key) => setActive({ kind: "rename", key }),
      openRevoke: (key) => setActive({ kind: "revoke", key }),
      openEditPolicy: (key) => setActive({ kind: "policy", key }),
      openRoll: (key) => setActive({ kind: "roll", key }),
      openDisable: (key) => setActive({ kind: "disable", key }),
      openEnable: (key) => setActive({ kind: "enable", key }),
    }),
    [readOnly],
  );

  const close = () => setActive(null);
  // Show the key at once; the page refreshes behind the dialog.
  const reveal = (created: CreatedKey | RolledKey) => {
    setActive({ kind: "reveal", created });
    startTransition(() => router.refresh());
  };

  return (
    <KeyDialogsContext.Provider value={api}>
      {children}
      {/* Order matters: create and roll close before reveal opens, so focus hand-off runs in that order. */}
      <CreateKeyDialog
        open={active?.kind === "create"}
        providers={providers}
        onCancel={close}
        onCreated={reveal}
        returnFocus={focusFallback}
      />
      <RollKeyDialog keyView={active?.kind === "roll" ? active.key : null} onClose={close} onRolled={reveal} returnFocus={focusFallback} />
      <KeyRevealDialog
        created={active?.kind === "reveal" ? active.created : null}
        // Dropping the state here is what removes the key from memory and the page.
        onDone={close}
        returnFocus={focusFallback}
      />
      <RenameKeyDialog keyView={active?.kind === "rename" ? active.key : null} onClose={close} returnFocus={focusFallback} />
      <RevokeKeyDialog keyView={active?.kind === "revoke" ? active.key : null} onClose={close} returnFocus={focusFallback} />
      <DisableKeyDialog keyView={active?.kind === "disable" ? active.key : null} onClose={close} returnFocus={focusFallback} />
      <EnableKeyDialog keyView={active?.kind === "enable" ? active.key : null} onClose={close} returnFocus={focusFallback} />
      <EditPolicyDialog
        keyView={active?.kind === "policy" ? active.key : null}
        providers={providers}
        onClose={close}
        returnFocus={focusFallback}
      />
    </KeyDialogsContext.Provider>
  );
}
