import Link from "next/link";
import { buttonClasses } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { PageHeading } from "@/components/ui/page-heading";

// An unknown id and another owner's key look the same: no key here.
export default function KeyNotFound() {
  return (
    <Card className="flex flex-col items-center px-6 py-12 text-center">
      <PageHeading className="text-lg font-semibold text-zinc-900 focus:outline-none">Key not found</PageHeading>
      <p className="mt-2 max-w-md text-sm text-zinc-600">
        There is no API key with this id in your account. It may belong to another account, or the link may be mistyped.
      </p>
      <Link href="/dashboard/keys" className={buttonClasses({ variant: "secondary", className: "mt-6" })}>
        Back to API keys
      </Link>
    </Card>
  );
}
