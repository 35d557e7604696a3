import type { Metadata } from "next";
import Link from "next/link";
import { CreateKeyButton } from "@/components/keys/create-key-button";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { KeysEmptyState } from "@/components/keys/keys-empty-state";
import { KeysTable } from "@/components/keys/keys-table";
import { PageHeader } from "@/components/ui/page-header";
import { listKeys } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { serializeKey } from "@/lib/keys/service";
import { loadWeeklyUsage } from "@/lib/usage/dashboard";
import { providerOptions } from "../../provider-options";
import { KeysPageDescription } from "./page-description";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ searchParams }: { searchParams: Promise<{ revoked?: string }> }) {
  const showRevoked = (await searchParams).revoked === "1";
  const { ownerId, readOnly } = await pageOwner();
  const keys = (await listKeys({ ownerId, includeRevoked: showRevoked })).map(serializeKey);
  const usage = keys.length > 0 ? await loadWeeklyUsage({ ownerId }) : {};
  const active = keys.filter((k) => k.status === "active").length;

  return (
    <KeyDialogsProvider providers={providerOptions()} readOnly={readOnly}>
      <PageHeader title="API keys" description={<KeysPageDescription />} action={<CreateKeyButton />} />
      <div className="mt-6">{keys.length > 0 ? <KeysTable keys={keys} usage={usage} /> : <KeysEmptyState />}</div>
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-500">
        <p>
          {active === 1 ? "1 active key" : `${active} active keys`}
          {showRevoked && keys.length > active ? `, ${keys.length - active} revoked or expired` : ""}
        </p>
        <Link
          href={showRevoked ? "/dashboard/keys" : "/dashboard/keys?revoked=1"}
          className="rounded font-medium text-zinc-700 underline-offset-4 hover:text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900"
        >
          {showRevoked ? "Hide revoked keys" : "Show revoked keys"}
        </Link>
      </div>
    </KeyDialogsProvider>
  );
}
