import type { Metadata } from "next";
import Link from "next/link";
import { CreateKeyButton } from "@/components/keys/create-key-button";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { KeysEmptyState, KeysNoMatch } from "@/components/keys/keys-empty-state";
import { KeysPagination } from "@/components/keys/keys-pagination";
import { KeysList } from "@/components/keys/keys-list";
import { KeysToolbar } from "@/components/keys/keys-toolbar";
import { PageHeader } from "@/components/ui/page-header";
import { pageOwner } from "@/lib/auth/page-owner";
import { toListItem } from "@/lib/keys/list-item";
import { loadKeysList } from "@/lib/keys/list-load";
import { keysListHref, parseListParams } from "@/lib/keys/list-view";
import { providerOptions } from "../../provider-options";
import { KeysPageDescription } from "./page-description";

export const metadata: Metadata = { title: "API keys" };

export default async function KeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = parseListParams(await searchParams);
  const { ownerId, readOnly } = await pageOwner();
  const list = await loadKeysList({ ownerId, params });
  const { active, inactive } = list.counts;

  return (
    <KeyDialogsProvider providers={providerOptions()} readOnly={readOnly}>
      <PageHeader title="API keys" description={<KeysPageDescription />} action={<CreateKeyButton />} />
      {list.none ? (
        <div className="mt-6">
          <KeysEmptyState />
        </div>
      ) : (
        <>
          <div className="mt-6">
            <KeysToolbar params={params} />
          </div>
          <div className="mt-4">
            {list.rows.length > 0 ? (
              // One clock for every row, so two keys expiring together read the same.
              <KeysList items={list.rows.map(toListItem)} now={Date.now()} />
            ) : (
              <KeysNoMatch clearHref={keysListHref({ revoked: params.revoked, sort: params.sort })} />
            )}
          </div>
          <KeysPagination list={list} params={params} />
        </>
      )}
      <div className="mt-3 flex flex-wrap items-center justify-between gap-2 text-sm text-zinc-500">
        <p>
          {active === 1 ? "1 active key" : `${active} active keys`}
          {params.revoked && inactive > 0 ? `, ${inactive} disabled, revoked or expired` : ""}
        </p>
        <Link
          href={keysListHref({ ...params, page: 1, revoked: !params.revoked })}
          className="rounded font-medium text-zinc-700 underline-offset-4 hover:text-zinc-900 hover:underline focus-visible:outline-2 focus-visible:outline-zinc-900"
        >
          {params.revoked ? "Hide revoked keys" : "Show revoked keys"}
        </Link>
      </div>
    </KeyDialogsProvider>
  );
}
