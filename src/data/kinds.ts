/**
 * Column kinds: how Vigil decides what a column is.
 *
 * Rules, in order (the first that matches wins):
 *  1. A `--kind col=KIND` override wins over everything below.
 *  2. BOOLEAN columns are `boolean`.
 *  3. DATE and TIMESTAMP columns (with or without time zone) are `datetime`.
 *  4. Integer columns (TINYINT ... HUGEINT, signed or not) with at most 5 distinct
 *     non-missing values are `categorical`, as in DESIGN.md's method-selection table;
 *     other integer columns are `numeric`.
 *  5. Floating-point and DECIMAL columns are `numeric`.
 *  6. Text columns (VARCHAR, and every type without a numeric reading: UUID, TIME, lists,
 *     structs, JSON, read as their text):
 *     a. all values missing: `categorical`;
 *     b. at least 95% of the non-missing values parse as numbers: `numeric`, and the
 *        values that do not parse are reported as type errors with their row numbers;
 *     c. average length above 50 characters (measured on the first 8,192 rows): `text`
 *        (free text, not a category);
 *     d. every non-missing value distinct and more than 20 of them: `id` (excluded from
 *        drift by default: a key drifts by construction);
 *     e. more than 100 distinct values making up more than half of the non-missing
 *        values: `text` (too many categories to compare as such);
 *     f. otherwise `categorical`.
 * Missing values (empty, NA, N/A, null, NULL, NaN, nan, numeric NaN) take no part in the
 * counts above.
 */
import type { ColumnKind } from "./types.js";

/** How DuckDB stores a column, as far as kind inference cares. */
export type TypeClass = "integer" | "float" | "boolean" | "temporal" | "string";

export const CATEGORICAL_INTEGER_MAX_DISTINCT = 5;
export const NUMERIC_STRING_SHARE = 0.95;
export const TEXT_MIN_AVERAGE_LENGTH = 50;
export const ID_MIN_ROWS = 20;
export const TEXT_MIN_DISTINCT = 100;
export const TEXT_MIN_DISTINCT_SHARE = 0.5;

const INTEGER_TYPES = new Set([
  "TINYINT",
  "SMALLINT",
  "INTEGER",
  "BIGINT",
  "HUGEINT",
  "UTINYINT",
  "USMALLINT",
  "UINTEGER",
  "UBIGINT",
  "UHUGEINT",
]);
const TEMPORAL_TYPES = new Set([
  "DATE",
  "TIMESTAMP",
  "TIMESTAMP_S",
  "TIMESTAMP_MS",
  "TIMESTAMP_NS",
  "TIMESTAMP WITH TIME ZONE",
]);

export function typeClass(sourceType: string): TypeClass {
  const t = sourceType.toUpperCase();
  if (INTEGER_TYPES.has(t)) return "integer";
  if (t === "DOUBLE" || t === "FLOAT" || t.startsWith("DECIMAL")) return "float";
  if (t === "BOOLEAN") return "boolean";
  if (TEMPORAL_TYPES.has(t)) return "temporal";
  return "string";
}

export interface KindEvidence {
  typeClass: TypeClass;
  /** Non-missing values. */
  present: number;
  distinct: number;
  /** For text columns: non-missing values that parse as numbers. */
  numericStrings?: number;
  /** For text columns: average length of the non-missing values. */
  averageLength?: number;
}

export function inferKind(e: KindEvidence): ColumnKind {
  switch (e.typeClass) {
    case "boolean":
      return "boolean";
    case "temporal":
      return "datetime";
    case "integer":
      return e.present > 0 && e.distinct <= CATEGORICAL_INTEGER_MAX_DISTINCT
        ? "categorical"
        : "numeric";
    case "float":
      return "numeric";
    case "string": {
      if (e.present === 0) return "categorical";
      if ((e.numericStrings ?? 0) >= NUMERIC_STRING_SHARE * e.present) return "numeric";
      if ((e.averageLength ?? 0) > TEXT_MIN_AVERAGE_LENGTH) return "text";
      if (e.distinct === e.present && e.present > ID_MIN_ROWS) return "id";
      if (e.distinct > TEXT_MIN_DISTINCT && e.distinct > TEXT_MIN_DISTINCT_SHARE * e.present) {
        return "text";
      }
      return "categorical";
    }
  }
}
