import { cn } from "./cn";

/** A grey placeholder block. Give it the exact size of what it stands for, so nothing jumps. */
export function Skeleton({ className }: { className?: string }) {
  return <span aria-hidden="true" className={cn("block animate-pulse rounded bg-zinc-200/80", className)} />;
}
