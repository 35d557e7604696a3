"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

export interface KeyChange {
  /** True from the request until the dialog has closed: the dialog cannot be dismissed meanwhile. */
  pending: boolean;
  /**
   * Sends one change. On failure `onError` shows why and the dialog stays; on success `onDone`
   * runs, by default refreshing the page and closing the dialog together, so the new state is
   * there when the dialog goes.
   */
  run<T>(request: () => Promise<T>, onError: (err: unknown) => void, onDone?: (result: T) => void): void;
}

/** The shared life of a key dialog's one action (rename, revoke, edit policy, roll). */
export function useKeyChange(onClose: () => void): KeyChange {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  return {
    pending,
    run<T>(request: () => Promise<T>, onError: (err: unknown) => void, onDone?: (result: T) => void) {
      if (pending) return;
      startTransition(async () => {
        let result: T;
        try {
          result = await request();
        } catch (err) {
          onError(err);
          return;
        }
        if (onDone) return onDone(result);
        startTransition(() => {
          router.refresh();
          onClose();
        });
      });
    },
  };
}
