import type { ReactNode } from "react";
import { PageHeading } from "./page-heading";

/** Title row of a dashboard page. The loading skeletons render the same component, so heights match. */
export function PageHeader({ title, description, action }: { title: string; description?: ReactNode; action?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0 max-w-2xl">
        <PageHeading className="text-2xl font-semibold tracking-tight text-zinc-900 focus:outline-none">{title}</PageHeading>
        {description && <p className="mt-1 text-sm text-zinc-600">{description}</p>}
      </div>
      {action}
    </div>
  );
}
