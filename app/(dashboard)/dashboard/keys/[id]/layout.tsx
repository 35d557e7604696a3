import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { getKey } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";

// An unknown key (or another owner's) is a 404 with the status to match: the check runs here, above
// the page's loading boundary, because once that boundary streams the status is already 200.
export default async function KeyLayout({ params, children }: { params: Promise<{ id: string }>; children: ReactNode }) {
  const { ownerId } = await pageOwner();
  if (!(await getKey({ ownerId, id: (await params).id }))) notFound();
  return children;
}
