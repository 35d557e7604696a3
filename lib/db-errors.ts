// Database errors, classified without reading their messages' data: is this the database being
// away or too slow (an outage, answered 503), and a log line with each error's class and code.
// Nothing here imports the rest of the app, so db/client.ts and lib/errors.ts can both use it.

// What pg, pg-pool, drizzle and Neon's HTTP driver raise when the database is away or too slow.
// Errno codes count only on an error that came from a query (another service refusing
// connections is not the database); pg's own messages and SQLSTATEs are unambiguous anywhere.
const NETWORK_ERRNO: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset",
  ECONNABORTED: "connection aborted",
  EPIPE: "connection closed while writing",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  EHOSTDOWN: "host down",
  ENETUNREACH: "network unreachable",
  ENETDOWN: "network down",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "name lookup failed",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_HEADERS_TIMEOUT: "query timed out",
  UND_ERR_BODY_TIMEOUT: "query timed out",
};
const PG_MESSAGES: Record<string, string> = {
  "Connection terminated unexpectedly": "connection terminated",
  "Connection terminated": "connection terminated",
  "Connection terminated due to connection timeout": "connect timeout",
  "timeout expired": "connect timeout",
  "timeout exceeded when trying to connect": "no free connection in the pool in time",
  "Query read timeout": "query timed out (no answer)",
  "Client has encountered a connection error and is not queryable": "connection lost",
  "Client was closed and is not queryable": "connection closed",
  "Cannot use a pool after calling end on the pool": "pool closed",
};
const SQLSTATES: Record<string, string> = {
  "57P01": "server shutting down (admin)",
  "57P02": "server crashed",
  "57P03": "server not accepting connections yet",
  "57014": "statement timeout",
  "53300": "too many connections",
};
// SQLSTATE classes, for describing the database errors that are not an outage.
const SQLSTATE_CLASSES: Record<string, string> = {
  "08": "connection exception",
  "22": "data exception",
  "23": "integrity constraint violation",
  "25": "invalid transaction state",
  "40": "transaction rollback",
  "42": "syntax error or access rule violation",
  "53": "insufficient resources",
  "54": "program limit exceeded",
  "55": "object not in prerequisite state",
  "57": "operator intervention",
  "58": "system error",
  XX: "internal error",
};

type Node = Error & { code?: unknown; errno?: unknown; severity?: unknown; query?: unknown; params?: unknown; sourceError?: unknown };

const MAX_CHAIN = 8;

/** The error, its causes (cause, Neon's sourceError) and an AggregateError's parts, bounded. */
function chainOf(err: unknown): Node[] {
  const out: Node[] = [];
  const queue: unknown[] = [err];
  while (queue.length > 0 && out.length < MAX_CHAIN) {
    const e = queue.shift();
    if (!(e instanceof Error) || out.includes(e as Node)) continue;
    const n = e as Node;
    out.push(n);
    queue.push(n.cause, n.sourceError);
    if (e instanceof AggregateError) queue.push(...e.errors.slice(0, MAX_CHAIN));
  }
  return out;
}

const className = (e: Error) => (e.constructor?.name && e.constructor.name !== "Error" ? e.constructor.name : e.name) || "Error";
const isQueryError = (e: Node) =>
  className(e) === "DrizzleQueryError" || ("query" in e && "params" in e) || className(e) === "NeonDbError" || e.name === "NeonDbError";
/** A Postgres error: five-character SQLSTATE and a severity (pg's DatabaseError, Neon's NeonDbError). */
const sqlstateOf = (e: Node) =>
  typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && (e.severity !== undefined || isQueryError(e)) ? e.code : null;
const safeCode = (e: Node) => (typeof e.code === "string" && /^[A-Za-z0-9_]{1,40}$/.test(e.code) ? e.code : null);

/** Why the database is unavailable, in fixed words; null when this error is not an outage. */
export function databaseOutage(err: unknown): string | null {
  const chain = chainOf(err);
  const fromQuery = chain.some(isQueryError);
  for (const e of chain) {
    const state = sqlstateOf(e);
    if (state) {
      if (state.startsWith("08")) return `connection exception (${state})`;
      if (SQLSTATES[state]) return `${SQLSTATES[state]} (${state})`;
    }
    const code = safeCode(e);
    if (fromQuery && code && NETWORK_ERRNO[code]) return `${NETWORK_ERRNO[code]} (${code})`;
    if (Object.hasOwn(PG_MESSAGES, e.message)) return PG_MESSAGES[e.message];
    // Neon's HTTP driver: the fetch itself failed or was aborted by our deadline, or its proxy answered 5xx.
    if (isQueryError(e) && e.sourceError !== undefined) return "could not reach the database over HTTP";
    if (isQueryError(e) && /^Server error \(HTTP status 5\d\d\)/.test(e.message)) return "database HTTP endpoint failed";
    if (fromQuery && (e.name === "TimeoutError" || e.name === "AbortError")) return "query timed out";
  }
  return null;
}

/** Postgres cancelled the statement (SQLSTATE 57014): its statement_timeout passed. */
export function isStatementTimeout(err: unknown): boolean {
  return chainOf(err).some((e) => sqlstateOf(e) === "57014");
}

const MAX_FRAMES = 12;

/** The stack's frames without its header: the header repeats the message, which may hold data. */
function framesOf(e: Error): string[] {
  const stack = typeof e.stack === "string" ? e.stack : "";
  const at = e.message ? stack.indexOf(e.message) : 0;
  if (at < 0) return []; // the message changed after capture: no safe place to cut
  return stack
    .slice(at + e.message.length)
    .split("\n")
    .filter((line) => /^\s+at \S/.test(line))
    .slice(0, MAX_FRAMES);
}

/**
 * For logs: each error's class, its SQLSTATE or errno code, and a fixed description. Never a
 * message (a query error's holds its SQL and parameters, such as a new key's bcrypt hash; others
 * may quote a request), never a parameter. Stack frames (code locations) only for errors that are
 * not the database's.
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return `non-error thrown (${typeof err})`;
  const chain = chainOf(err);
  const parts = chain.map((e) => {
    const code = sqlstateOf(e) ?? safeCode(e);
    return code ? `${className(e)} [${code}]` : className(e);
  });
  const outage = databaseOutage(err);
  const state = chain.map(sqlstateOf).find((s) => s !== null);
  const fromDatabase = chain.some(isQueryError) || state !== undefined;
  const what = outage
    ? `database unavailable: ${outage}`
    : state
      ? `database error: ${SQLSTATE_CLASSES[state.slice(0, 2)] ?? "other"} (${state})`
      : fromDatabase
        ? "database error"
        : "unexpected error";
  const frames = fromDatabase || outage ? [] : framesOf(err);
  return [`${parts.join(" <- ")}: ${what}`, ...frames].join("\n");
}
