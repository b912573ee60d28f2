import { sql } from "kysely";
import type { Store } from "../../src/store/index.js";

/**
 * Every row of `tables` (sorted, so row order does not matter) and the audit log's head,
 * as one string: compare it before and after an action that must write nothing.
 */
export async function storeSnapshot(
  store: Store,
  tables: readonly string[],
  opts: { auditHead?: boolean } = {},
): Promise<string> {
  const head = (opts.auditHead ?? true) ? await store.auditHead() : null;
  const rows = await Promise.all(
    tables.map(async (t) =>
      (await sql<Record<string, unknown>>`select * from ${sql.table(t)}`.execute(store.kysely)).rows
        .map((r) => JSON.stringify(r))
        .sort(),
    ),
  );
  return JSON.stringify({ head, rows });
}
