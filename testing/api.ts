import * as keyRoute from "@/app/api/keys/[id]/route";
import * as keysRoute from "@/app/api/keys/route";
import * as healthRoute from "@/app/api/health/route";
import * as usageRoute from "@/app/api/usage/route";
import * as auditRoute from "@/app/api/audit/route";
import * as rollRoute from "@/app/api/keys/[id]/roll/route";

// Calls the management API's route handlers as Next does: a web Request in, a Response out.

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT";
type Handler = (req: Request, ctx?: { params: Promise<{ id: string }> }) => Promise<Response>;

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
  const req = new Request(url, { method, headers, body });
  const m = /^\/api\/keys(?:\/([^/]+))?$/.exec(url.pathname);
  const roll = /^\/api\/keys\/([^/]+)\/roll$/.exec(url.pathname);
  let res: Response;
  if (roll) {
    const handler = (rollRoute as Record<string, unknown>)[method] as Handler;
    res = await handler(req, { params: Promise.resolve({ id: decodeURIComponent(roll[1]) }) });
  } else if (m?.[1]) {
    const handler = (keyRoute as Record<string, unknown>)[method] as Handler;
    res = await handler(req, { params: Promise.resolve({ id: decodeURIComponent(m[1]) }) });
  } else if (m) {
    res = await ((keysRoute as Record<string, unknown>)[method] as Handler)(req);
  } else if (url.pathname === "/api/health") {
    res = await ((healthRoute as Record<string, unknown>)[method] as Handler)(req);
  } else if (url.pathname === "/api/audit") {
    res = await ((auditRoute as Record<string, unknown>)[method] as Handler)(req);
  } else if (url.pathname === "/api/usage") {
    res = await ((usageRoute as Record<string, unknown>)[method] as Handler)(req);
  } else {
    throw new Error(`no route for ${path}`);
  }
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const json: any = text && res.headers.get("content-type")?.includes("json") ? JSON.parse(text) : undefined;
  return { status: res.status, headers: res.headers, json, text };
}
