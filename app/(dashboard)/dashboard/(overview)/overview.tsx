import Link from "next/link";
import type { ReactNode } from "react";
import { Card, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { dashboardHref, type DashboardParams } from "@/lib/usage/dashboard-url";

// Building blocks of the overview page, shared with its loading skeleton so both have the same size.

export { StatCard } from "@/components/ui/stat-card";

export const OVERVIEW_DESCRIPTION = "Requests, tokens and cost across your gateway keys, per key, model and day.";

export const QUICKSTART_TITLE = "Send a request through the gateway";

export const SUMMARY_LABELS = ["Requests", "Tokens", "Cost", "Error rate", "Active keys"] as const;

export function QuickstartIntro() {
  return (
    <>
      Call the gateway as you would call the provider, with two keys: your NeuronEdge key in{" "}
      <code className="font-mono text-[13px] text-zinc-800">Authorization</code> says who is calling, and your own provider key in{" "}
      <code className="font-mono text-[13px] text-zinc-800">X-Provider-API-Key</code> pays the provider. The gateway forwards the call
      unchanged and never stores the provider key.
    </>
  );
}

export function curlExample(origin: string): string {
  return [
    `curl ${origin}/v1/openai/chat/completions \\`,
    `  -H "Authorization: Bearer ne_live_…" \\`,
    `  -H "X-Provider-API-Key: sk-…" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
}

/** A test key needs no provider key: the built-in simulator answers it. */
export function testCurlExample(origin: string): string {
  return [
    `curl ${origin}/v1/openai/chat/completions \\`,
    `  -H "Authorization: Bearer ne_test_…" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hello!"}]}'`,
  ].join("\n");
}

const code = (s: string) => <code className="font-mono text-[13px] text-zinc-800">{s}</code>;

const linkClass =
  "rounded font-medium text-zinc-900 underline underline-offset-4 hover:text-zinc-600 focus-visible:outline-2 focus-visible:outline-zinc-900";

/** The live quickstart, shown under the charts (or, without traffic, inside the empty state). */
export function QuickstartCard({ origin, hasKeys, test = false }: { origin: string; hasKeys: boolean; test?: boolean }) {
  if (test) {
    return (
      <Card className="mt-6">
        <CardHeader
          title={QUICKSTART_TITLE}
          description="A test key needs no provider key: the built-in simulator answers it in the provider's own format, free, and nothing reaches a provider."
        />
        <div className="space-y-4 px-5 py-5">
          <CodeBlock label="curl" code={testCurlExample(origin)} />
        </div>
      </Card>
    );
  }
  return (
    <Card className="mt-6">
      <CardHeader title={QUICKSTART_TITLE} description={<QuickstartIntro />} />
      <div className="space-y-4 px-5 py-5">
        <CodeBlock label="curl" code={curlExample(origin)} />
        <p className="text-sm text-zinc-600">
          {hasKeys ? <>Replace </> : <>You need a gateway key first. Create one, then replace </>}
          {code("ne_live_…")} with your gateway key and {code("sk-…")} with your OpenAI key. Official SDKs work too: set their base URL to{" "}
          {code(`${origin}/v1/openai`)}.
        </p>
      </div>
    </Card>
  );
}

/** No requests in the chosen range: say how to make the first one. */
export function UsageEmptyState({
  origin,
  params,
  phrase,
  keyName,
  hasKeys,
}: {
  origin: string;
  params: DashboardParams;
  /** "in the last 7 days", or the custom dates. */
  phrase: string;
  keyName: string | null;
  hasKeys: boolean;
}) {
  const test = params.env === "test";
  const who = keyName ? <>with “{keyName}” </> : test ? <>with test keys </> : null;
  const what = params.provider ? <>to {params.model ?? params.provider} </> : null;
  let body: ReactNode;
  if (test) {
    body = (
      <p className="text-sm text-zinc-600">
        Replace {code("ne_test_…")} with a test key{hasKeys ? "" : " (create one with Create key, environment Test)"}. Test keys need no
        provider key: NeuronEdge&apos;s built-in simulator answers them in the provider&apos;s own format, nothing reaches a provider and
        nothing is billed. Their usage is shown here, apart from live usage.
      </p>
    );
  } else {
    body = (
      <p className="text-sm text-zinc-600">
        {hasKeys ? <>Replace </> : <>You need a gateway key first. Create one, then replace </>}
        {code("ne_live_…")} with your gateway key and {code("sk-…")} with your OpenAI key. Official SDKs work too: set their base URL to{" "}
        {code(`${origin}/v1/openai`)}. No provider key at hand? Create a test key ({code("ne_test_…")}) and leave out{" "}
        {code("X-Provider-API-Key")}: a built-in simulator answers it, and its usage shows under{" "}
        <Link href={dashboardHref({ ...params, env: "test", keyId: null })} className={linkClass}>
          Test
        </Link>
        .
      </p>
    );
  }
  return (
    <Card className="mt-6" role="region" aria-labelledby="usage-empty-title">
      <CardHeader
        titleId="usage-empty-title"
        title={
          <>
            No requests {who}
            {what}
            {phrase}
          </>
        }
        description={test ? <>Send a first request with a test key: it works without any provider account.</> : <QuickstartIntro />}
      />
      <div className="space-y-4 px-5 py-5">
        <CodeBlock label="curl" code={test ? testCurlExample(origin) : curlExample(origin)} />
        {body}
      </div>
    </Card>
  );
}
