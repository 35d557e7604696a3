import * as auditRoute from "@/app/api/audit/route";
import * as healthRoute from "@/app/api/health/route";
import * as disableRoute from "@/app/api/keys/[id]/disable/route";
import * as enableRoute from "@/app/api/keys/[id]/enable/route";
import * as rollRoute from "@/app/api/keys/[id]/roll/route";
import * as keyRoute from "@/app/api/keys/[id]/route";
import * as keysRoute from "@/app/api/keys/route";
import * as usageRoute from "@/app/api/usage/route";

// Calls the management API's route handlers as Next does: a web Request in, a Response out.

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
type Handler = (req: Request, ctx?: { params: Promise<{ id: string }> }) => Promise<Response>;
type Module = Record<string, unknown>;

// Next's file routes for /api, in the order Next would match them.
const routes: [RegExp, Module][] = [
  [/^\/api\/keys\/([^/]+)\/roll$/, rollRoute],
  [/^\/api\/keys\/([^/]+)\/disable$/, disableRoute],
  [/^\/api\/keys\/([^/]+)\/enable$/, enableRoute],
  [/^\/api\/keys\/([^/]+)$/, keyRoute],
  [/^\/api\/keys$/, keysRoute],
  [/^\/api\/health$/, healthRoute],
  [/^\/api\/audit$/, auditRoute],
  [/^\/api\/usage$/, usageRoute],
];

/** Routes a web Request to its /api handler; 404 when there is none. */
export async function routeRequest(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  for (const [pattern, mod] of routes) {
    const m = pattern.exec(pathname);
    if (!m) continue;
    const handler = mod[req.method] as Handler | undefined;
    if (!handler) return new Response(null, { status: 405 });
    return handler(req, m[1] ? { params: Promise.resolve({ id: decodeURIComponent(m[1]) }) } : undefined);
  }
  return new Response(null, { status: 404 });
}

export interface CallOptions {
  headers?: Record<string, string>;
  body?: unknown;
  rawBody?: string;
}

export async function call(method: Method, path: string, opts: CallOptions = {}) {
  const url = new URL(path, "http://localhost:3000");
  const headers = new Headers({ host: "localhost:3000", ...opts.headers });
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const res = await routeRequest(new Request(url, { method, headers, body }));
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of the answer it expects
  const json: any = text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, json, text };
}
