"use client";

import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { cn } from "./cn";

export interface MenuItem {
  label: string;
  onSelect: () => void;
  tone?: "default" | "danger";
}

/**
 * A button that opens a list of actions, as the WAI-ARIA menu button pattern has it: Enter,
 * Space or the arrows open it, the arrows, Home and End move, Escape closes it and returns
 * focus to the button, Tab or a click outside closes it. The list is fixed-positioned, so a
 * table's scrolling box never clips it.
 */
export function Menu({ label, items, trigger }: { label: string; items: MenuItem[]; trigger?: ReactNode }) {
  const [open, setOpen] = useState(false);
  const [position, setPosition] = useState<{ top: number; right: number } | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const focusOnOpen = useRef<"first" | "last">("first");
  const menuId = useId();

  const itemsOf = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);

  const place = useCallback(() => {
    const b = buttonRef.current?.getBoundingClientRect();
    if (!b) return;
    const height = menuRef.current?.offsetHeight ?? 0;
    // Below the button, or above it when the viewport ends first.
    const below = b.bottom + 4;
    const top = below + height > window.innerHeight && b.top - 4 - height > 0 ? b.top - 4 - height : below;
    setPosition({ top, right: Math.max(8, document.documentElement.clientWidth - b.right) });
  }, []);

  const close = useCallback((refocus: boolean) => {
    setOpen(false);
    setPosition(null);
    if (refocus) buttonRef.current?.focus();
  }, []);

  function show(focus: "first" | "last") {
    focusOnOpen.current = focus;
    setOpen(true);
  }

  useLayoutEffect(() => {
    if (open) place();
  }, [open, place]);

  // Once placed (a hidden element cannot take focus), the first or last item gets it.
  const placed = position !== null;
  useLayoutEffect(() => {
    if (!open || !placed) return;
    const list = itemsOf();
    (focusOnOpen.current === "first" ? list[0] : list.at(-1))?.focus();
  }, [open, placed]);

  useEffect(() => {
    if (!open) return;
    const outside = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) close(false);
    };
    document.addEventListener("pointerdown", outside);
    window.addEventListener("resize", place);
    window.addEventListener("scroll", place, true);
    return () => {
      document.removeEventListener("pointerdown", outside);
      window.removeEventListener("resize", place);
      window.removeEventListener("scroll", place, true);
    };
  }, [open, close, place]);

  function onButtonKeyDown(e: KeyboardEvent<HTMLButtonElement>) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      show(e.key === "ArrowDown" ? "first" : "last");
    }
  }

  function onMenuKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    const list = itemsOf();
    const at = list.indexOf(document.activeElement as HTMLElement);
    const move = (i: number) => list[(i + list.length) % list.length]?.focus();
    if (e.key === "ArrowDown") move(at + 1);
    else if (e.key === "ArrowUp") move(at - 1);
    else if (e.key === "Home") move(0);
    else if (e.key === "End") move(list.length - 1);
    else if (e.key === "Escape") close(true);
    else if (e.key === "Tab") return close(false);
    else return;
    e.preventDefault();
    e.stopPropagation();
  }

  function select(item: MenuItem) {
    // Focus goes back to the button first, so a dialog the item opens returns focus there.
    close(true);
    item.onSelect();
  }

  return (
    <>
      <button
        ref={buttonRef}
        type="button"
        aria-label={label}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? close(false) : show("first"))}
        onKeyDown={onButtonKeyDown}
        // `.menu-button` (app/globals.css): a list has one on every row.
        className="menu-button"
      >
        {trigger ?? <DotsIcon />}
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          tabIndex={-1}
          onKeyDown={onMenuKeyDown}
          style={position ? { top: position.top, right: position.right } : { visibility: "hidden" }}
          className="fixed z-40 min-w-[10rem] rounded-md border border-zinc-200 bg-white p-1 text-left shadow-lg"
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => select(item)}
              className={cn(
                "flex w-full items-center rounded px-3 py-1.5 text-sm whitespace-nowrap outline-none",
                item.tone === "danger"
                  ? "text-red-700 hover:bg-red-50 focus:bg-red-50"
                  : "text-zinc-800 hover:bg-zinc-100 focus:bg-zinc-100",
              )}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </>
  );
}

function DotsIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 16 16" className="size-4" fill="currentColor">
      <circle cx="3" cy="8" r="1.4" />
      <circle cx="8" cy="8" r="1.4" />
      <circle cx="13" cy="8" r="1.4" />
    </svg>
  );
}
