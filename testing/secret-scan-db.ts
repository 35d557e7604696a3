import { findSecrets, type Finding } from "./secret-scan";

// The database half of the secret scan: every row of every table in the database's current
// schema, as JSON, with api_keys.key_hash (the one secret stored by design) left out. Raw SQL
// over information_schema rather than db/schema.ts, so a table or column added later is read too,
// and a database that was never migrated (or was emptied) is simply one with nothing to read.
// No imports but the scanner's: Vitest (testing/db.ts) and Playwright (e2e/secret-scan-reporter.ts)
// both load it, each with its own driver.

/** Runs one statement and gives its rows: drizzle's db.execute and PGlite's query both fit. */
export type RunQuery = (text: string) => Promise<{ rows: Record<string, unknown>[] }>;

/** The columns that hold a secret by design, by table: the bcrypt the verifier compares keys with. */
const SECRET_COLUMNS: Record<string, string[]> = { api_keys: ["key_hash"] };
/** Rows read per table, newest first: a test file writes a few, a shared Postgres collects more. */
export const MAX_ROWS_SCANNED = 10_000;
const MAX_FINDINGS = 50;

const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The secrets in any row of any table, api_keys.key_hash aside; `where` names the table and row. */
export async function scanRowsForSecrets(query: RunQuery): Promise<Finding[]> {
  const { rows: tables } = await query(
    "select table_name as name from information_schema.tables " +
      "where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name",
  );
  const findings: Finding[] = [];
  for (const { name } of tables as { name: string }[]) {
    const dropped = (SECRET_COLUMNS[name] ?? []).map((c) => ` - ${literal(c)}`).join("");
    // ctid is the row's physical position: newest first without knowing the table's key.
    const { rows } = await query(
      `select (to_jsonb(t)${dropped})::text as row, to_jsonb(t) ->> 'id' as id ` +
        `from ${ident(name)} t order by t.ctid desc limit ${MAX_ROWS_SCANNED}`,
    );
    for (const { row, id } of rows as { row: string; id: string | null }[]) {
      findings.push(...findSecrets(row, `row${id === null ? "" : ` ${id}`} of ${name}`));
      if (findings.length >= MAX_FINDINGS) return findings.slice(0, MAX_FINDINGS);
    }
  }
  return findings;
}
