import { sql, type SQL } from "drizzle-orm";
import { isStatementTimeout } from "@/lib/db-errors";
import { getEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getDb, type Db } from "../client";
import { decimalUnits, formatUsdUnits } from "../money";
import { usageDaily, usageEvents, usageHourly } from "../schema";
import type { UsageTable } from "./usage-source";

// A usage read as statements that each walk a bounded number of rows in their table's key order,
// summed here. The embedded database runs on the proxy's event loop and ignores statement_timeout
// (WebAssembly has no timer signals: a 2 s pg_sleep under a 200 ms timeout ran its 2 s), so no one
// statement may be long, and the loop is let go between them. On Postgres the statements share
// one read-only snapshot and one deadline, which statement_timeout enforces (docs/design.md).

type Row = Record<string, unknown>;

/** Rows a statement walks when USAGE_READ_SLICE_ROWS is not set: 10-20 ms of the embedded database's time. */
export const EMBEDDED_SLICE_ROWS = 2_000;
export const SERVER_SLICE_ROWS = 100_000;

/** Each table's walk order (a unique key) and the types its columns' text is read back as. */
const KEYSET = new Map<UsageTable, { columns: SQL[]; types: string[] }>([
  [
    usageDaily,
    {
      columns: [sql`${usageDaily.day}`, sql`${usageDaily.keyId}`, sql`${usageDaily.provider}`, sql`${usageDaily.model}`],
      types: ["date", "text", "text", "text"],
    },
  ],
  [
    usageHourly,
    {
      columns: [sql`${usageHourly.hour}`, sql`${usageHourly.keyId}`, sql`${usageHourly.provider}`, sql`${usageHourly.model}`],
      types: ["timestamptz", "text", "text", "text"],
    },
  ],
  [usageEvents, { columns: [sql`${usageEvents.ts}`, sql`${usageEvents.id}`], types: ["timestamptz", "bigint"] }],
]);

export interface Sum {
  sql: SQL;
  /** An amount of USD, summed exactly (a numeric with ten places); otherwise a count. */
  usd?: boolean;
}

export interface SlicedSum {
  table: UsageTable;
  /** The rows walked: the owner or one key, and the range (what the table's indexes find in key order). */
  scan: SQL;
  /** Which of the walked rows count. */
  filter?: SQL;
  /** Text expressions the sums are grouped by. */
  groupBy: SQL[];
  sums: Sum[];
}

export interface ReadSession {
  /** One statement's rows, within the read's deadline. */
  rows(statement: SQL): Promise<Row[]>;
  readonly sliceRows: number;
  readonly maxRows: number;
}

const readTimeout = (ms: number) =>
  new AppError(
    "gateway_timeout",
    `This usage read took longer than ${ms / 1000} s. Ask for a shorter range, fewer group_by dimensions, or one key.`,
  );

const rowsOf = (result: unknown): Row[] => (Array.isArray(result) ? result : (result as { rows: Row[] }).rows);

/**
 * Runs a usage read under USAGE_READ_TIMEOUT_MS: on Postgres in one read-only snapshot, each
 * statement's statement_timeout the time left; elsewhere checked between statements, which on the
 * embedded database first let the event loop run whatever waits.
 */
export async function boundedRead<T>(read: (session: ReadSession) => Promise<T>): Promise<T> {
  const env = getEnv();
  const limitMs = env.USAGE_READ_TIMEOUT_MS;
  const deadline = performance.now() + limitMs;
  const embedded = env.dbDriver === "pglite";
  const server = env.dbDriver === "pg";
  const db = await getDb();
  const session = (x: Db): ReadSession => ({
    sliceRows: env.USAGE_READ_SLICE_ROWS ?? (embedded ? EMBEDDED_SLICE_ROWS : SERVER_SLICE_ROWS),
    maxRows: env.USAGE_READ_MAX_ROWS,
    async rows(statement) {
      if (embedded) await new Promise((resolve) => setImmediate(resolve));
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) throw readTimeout(limitMs);
      if (server) await x.execute(sql`select set_config('statement_timeout', ${String(left)}, true)`);
      return rowsOf(await x.execute(statement));
    },
  });
  try {
    if (!server) return await read(session(db));
    return await db.transaction((tx) => read(session(tx as unknown as Db)), { isolationLevel: "repeatable read", accessMode: "read only" });
  } catch (err) {
    throw isStatementTimeout(err) ? readTimeout(limitMs) : err;
  }
}

export interface Group {
  values: string[];
  sums: number[];
}

/** Sums by group across statements, exactly: counts as numbers (exact integers), USD in 1e-10 units. */
export class GroupTotals {
  private readonly groups = new Map<string, { values: string[]; sums: (number | bigint)[] }>();

  /** `usd[i]`: the i-th sum is an amount of USD. */
  constructor(
    private readonly usd: boolean[],
    private readonly maxRows: number,
  ) {}

  add(values: string[], sums: unknown[]): void {
    // Postgres text cannot hold NUL, so it cannot occur inside a value.
    const id = values.join("\0");
    let g = this.groups.get(id);
    if (!g) {
      if (this.groups.size >= this.maxRows) {
        throw new AppError(
          "bad_request",
          `This usage read has more than ${this.maxRows.toLocaleString("en-US")} rows. Ask for a shorter range or fewer group_by dimensions.`,
          { param: "group_by" },
        );
      }
      g = { values, sums: this.usd.map((usd) => (usd ? 0n : 0)) };
      this.groups.set(id, g);
    }
    for (let i = 0; i < sums.length; i++) {
      const v = sums[i];
      if (v === null || v === undefined) continue;
      if (this.usd[i]) (g.sums[i] as bigint) += decimalUnits(String(v));
      else (g.sums[i] as number) += Number(v);
    }
  }

  /** The groups, each once: the totals are spent. */
  list(): Group[] {
    const out: Group[] = [];
    for (const g of this.groups.values()) {
      for (let i = 0; i < g.sums.length; i++) if (typeof g.sums[i] === "bigint") g.sums[i] = Number(formatUsdUnits(g.sums[i] as bigint));
      out.push(g as Group);
    }
    this.groups.clear();
    return out;
  }
}

function sliceStatement(s: SlicedSum, after: unknown[] | null, limit: number): SQL {
  const t = s.table;
  const { columns, types } = KEYSET.get(t)!;
  const key = sql.join(columns, sql`, `);
  const cursor =
    after &&
    sql.join(
      after.map((v, i) => sql`${v}::${sql.raw(types[i])}`),
      sql`, `,
    );
  const from = cursor ? sql` and ${columns[0]} >= ${after![0]}::${sql.raw(types[0])} and (${key}) > (${cursor})` : sql``;
  const last = columns.map((c, i) => sql`${c}::text as ${sql.identifier(`c${i}`)}`);
  const desc = sql.join(
    columns.map((c) => sql`${c} desc`),
    sql`, `,
  );
  const sums = s.sums.map((x) => (x.usd ? sql`(${x.sql})::text` : x.sql));
  const grouped = s.groupBy.length ? sql.raw(` group by ${s.groupBy.map((_, i) => i + 1).join(", ")}`) : sql``;
  const names = [...s.groupBy, ...sums].map((_, i) => sql.identifier(`v${i}`));
  const values = [...s.groupBy, ...sums].map((x, i) => sql`${x} as ${names[i]}`);
  // The slice takes the table's name: inside its own definition that name is still the table, and
  // after it every column reference the caller built (${usageEvents.ts}) reads the slice's rows.
  // The groups come back as one JSON text: decoding each field of thousands of rows cost the
  // embedded database's client several times the statement itself.
  return sql`with ${t} as (select * from ${t} where ${s.scan}${from} order by ${key} limit ${limit}),
    "last" as (select ${sql.join(last, sql`, `)}, (select count(*) from ${t})::int as n from ${t} order by ${desc} limit 1)
    select "last".*, (select json_agg(json_build_array(${sql.join(names, sql`, `)}))::text
      from (select ${sql.join(values, sql`, `)} from ${t}${s.filter ? sql` where ${s.filter}` : sql``}${grouped}) g) as groups
    from "last"`;
}

/** Adds the sums of the walk's rows into `into`, a statement at most `session.sliceRows` rows long each. */
export async function sumSliced(session: ReadSession, s: SlicedSum, into: GroupTotals): Promise<void> {
  const width = KEYSET.get(s.table)!.columns.length;
  const k = s.groupBy.length;
  let after: unknown[] | null = null;
  // Each statement starts past the last row of the one before, so the walk ends with the table's
  // rows in range; the read's deadline ends it sooner.
  for (;;) {
    const [last] = await session.rows(sliceStatement(s, after, session.sliceRows));
    if (!last) return;
    for (const g of JSON.parse(String(last.groups ?? "[]")) as unknown[][]) into.add(g.slice(0, k) as string[], g.slice(k));
    if (Number(last.n) < session.sliceRows) return;
    after = Array.from({ length: width }, (_, i) => last[`c${i}`]);
  }
}

/** The groups in the order ORDER BY over their values gives: the database's collation, not JavaScript's. */
export async function sortedGroups(session: ReadSession, totals: GroupTotals): Promise<Group[]> {
  const groups = totals.list();
  const width = groups[0]?.values.length ?? 0;
  if (groups.length < 2 || width === 0) return groups;
  const distinct = new Set<string>();
  for (const g of groups) for (const v of g.values) distinct.add(v);
  const rows = await session.rows(sql`select v from json_array_elements_text(${JSON.stringify([...distinct])}::json) as v order by v`);
  const rank = new Map(rows.map((r, i) => [r.v as string, i]));
  // Each group's ranks as one number where they fit in one: tens of thousands of groups sort fast.
  const base = rank.size;
  if (base ** width < Number.MAX_SAFE_INTEGER) {
    const keyed = groups.map((g) => ({ g, k: g.values.reduce((k, v) => k * base + rank.get(v)!, 0) }));
    return keyed.sort((a, b) => a.k - b.k).map((x) => x.g);
  }
  const keyed = groups.map((g) => ({ g, r: g.values.map((v) => rank.get(v)!) }));
  keyed.sort((a, b) => {
    for (let i = 0; i < width; i++) if (a.r[i] !== b.r[i]) return a.r[i] - b.r[i];
    return 0;
  });
  return keyed.map((x) => x.g);
}
