import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeading } from "@/components/ui/page-heading";

// Any unknown dashboard address: inside the dashboard's layout, so its navigation stays.
export default function DashboardNotFound() {
  return (
    <Card className="flex flex-col items-center px-6 py-12 text-center">
      <PageHeading className="text-lg font-semibold text-zinc-900 focus:outline-none">Page not found</PageHeading>
      <p className="mt-2 max-w-md text-sm text-zinc-600">There is no dashboard page at this address. The link may be mistyped or old.</p>
      <div className="mt-6 flex gap-2">
        <Link href="/dashboard" className={buttonClasses({ variant: "secondary" })}>
          Overview
        </Link>
        <Link href="/dashboard/keys" className={buttonClasses({ variant: "secondary" })}>
          API keys
        </Link>
      </div>
    </Card>
  );
}
