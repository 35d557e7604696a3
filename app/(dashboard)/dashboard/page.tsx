import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { CreateKeyButton } from "@/components/keys/create-key-button";
import { KeyDialogsProvider } from "@/components/keys/key-dialogs";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DateTime } from "@/components/ui/date-time";
import { PageHeader } from "@/components/ui/page-header";
import { listKeys } from "@/db/queries/keys";
import { pageOwner } from "@/lib/auth/page-owner";
import { isLoopbackName } from "@/lib/auth/local-guard";
import { serializeKey } from "@/lib/keys/service";
import { curlExample, OVERVIEW_DESCRIPTION, QuickstartIntro, QUICKSTART_TITLE, StatCard } from "./overview";

export const metadata: Metadata = { title: "Overview" };

/** The address people reach this dashboard at, which is also where their apps reach the gateway. */
async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get("x-forwarded-host")?.split(",")[0].trim() || h.get("host") || "localhost:3000";
  const proto = h.get("x-forwarded-proto")?.split(",")[0].trim() || (isLoopbackName(host) ? "http" : "https");
  return `${proto}://${host}`;
}

export default async function OverviewPage() {
  const { ownerId } = await pageOwner();
  const keys = (await listKeys({ ownerId })).map(serializeKey).filter((k) => k.status === "active");
  const live = keys.filter((k) => k.environment === "live").length;
  const lastUsed = keys
    .map((k) => k.last_used_at)
    .filter((d): d is string => d !== null)
    .sort()
    .at(-1);
  const origin = await requestOrigin();

  return (
    <KeyDialogsProvider>
      <PageHeader title="Overview" description={OVERVIEW_DESCRIPTION} action={<CreateKeyButton />} />

      <section aria-label="Summary" className="mt-6 grid gap-4 sm:grid-cols-3">
        <StatCard
          label="Active keys"
          value={keys.length}
          detail={keys.length ? `${live} live · ${keys.length - live} test` : "None yet"}
        />
        <StatCard
          label="Last request"
          value={lastUsed ? <DateTime iso={lastUsed} /> : "Never"}
          detail={lastUsed ? <DateTime iso={lastUsed} withTime /> : "No key has been used yet"}
        />
        <StatCard
          label="Keys"
          value={
            <Link
              href="/dashboard/keys"
              className="text-base font-medium text-zinc-900 underline underline-offset-4 hover:text-zinc-600 focus-visible:outline-2 focus-visible:outline-zinc-900"
            >
              Manage API keys →
            </Link>
          }
          detail="Create, rename and revoke"
        />
      </section>

      {/* Usage charts (per key, per model, per day) go here, between the summary and the quickstart. */}

      <Card className="mt-6">
        <CardHeader title={QUICKSTART_TITLE} description={<QuickstartIntro />} />
        <div className="space-y-4 px-5 py-5">
          <CodeBlock label="curl" code={curlExample(origin)} />
          <p className="text-sm text-zinc-600">
            {keys.length === 0 ? (
              <>You need a gateway key first. Create one, then replace </>
            ) : (
              <>Replace </>
            )}
            <code className="font-mono text-[13px] text-zinc-800">ne_live_…</code> with your gateway key and{" "}
            <code className="font-mono text-[13px] text-zinc-800">sk-…</code> with your OpenAI key. Official SDKs work
            too: set their base URL to <code className="font-mono text-[13px] text-zinc-800">{origin}/v1/openai</code>.
          </p>
        </div>
      </Card>
    </KeyDialogsProvider>
  );
}
