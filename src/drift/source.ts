import { VigilError } from "../errors.js";
import type { ColumnKind } from "./kinds.js";

/**
 * What the drift engine needs from a data set. src/data's DuckDB-backed `Dataset` satisfies
 * it for files; `memorySource` does for arrays (library use, tests, simulations).
 */
export interface SourceColumn {
  name: string;
  kind: ColumnKind;
  sourceType: string;
  rows: number;
  missing: number;
  distinct: number;
}

export interface TypeErrorSample {
  row: number;
  value: string;
}

export interface SourceNumericColumn {
  /** Finite, non-missing values sorted ascending. */
  values: Float64Array;
  missing: number;
  posInf: number;
  negInf: number;
  typeErrors: { count: number; samples: TypeErrorSample[] };
  /**
   * Optional: mean and population std (ddof 0) of `values` as summarizeNumeric computes them,
   * when the source has them already (src/data computes them on its sort workers).
   */
  mean?: number;
  std?: number;
}

export interface SourceCategoryCounts {
  categories: string[];
  counts: Float64Array;
  missing: number;
}

export interface DriftSource {
  path: string;
  format?: string;
  rowCount: number;
  columns: readonly SourceColumn[];
  numericColumn(name: string): Promise<SourceNumericColumn>;
  /** Optional hint: the numeric columns that will be asked for, in order (see src/data). */
  willRead?(names: string[]): void;
  /** Optional: the caller is done with a column from numericColumn(); its memory may be reused. */
  release?(column: SourceNumericColumn): void;
  categoryCounts(name: string): Promise<SourceCategoryCounts>;
}

export type MemoryValue = number | string | boolean | null | undefined;

/**
 * An in-memory data set: one array per column. Numbers -> numeric, booleans -> boolean,
 * strings -> categorical (kinds can be overridden). null, undefined and NaN are missing.
 */
export function memorySource(
  path: string,
  table: Record<string, ArrayLike<MemoryValue>>,
  kinds: Record<string, ColumnKind> = {},
): DriftSource {
  const names = Object.keys(table);
  const rowCount = names.length === 0 ? 0 : (table[names[0] as string]?.length ?? 0);
  for (const name of names) {
    if ((table[name]?.length ?? 0) !== rowCount) {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        `column ${JSON.stringify(name)} has ${table[name]?.length} values, expected ${rowCount}`,
      );
    }
  }
  const isMissing = (v: MemoryValue) =>
    v === null || v === undefined || (typeof v === "number" && Number.isNaN(v));
  const columns: SourceColumn[] = names.map((name) => {
    const values = table[name] as ArrayLike<MemoryValue>;
    let missing = 0;
    let kind: ColumnKind | undefined = kinds[name];
    const distinct = new Set<MemoryValue>();
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (isMissing(v)) {
        missing++;
        continue;
      }
      distinct.add(v);
      if (kind === undefined)
        kind =
          typeof v === "number" ? "numeric" : typeof v === "boolean" ? "boolean" : "categorical";
    }
    const first = [...distinct][0];
    return {
      name,
      kind: kind ?? "numeric",
      sourceType:
        typeof first === "number" ? "DOUBLE" : typeof first === "boolean" ? "BOOLEAN" : "VARCHAR",
      rows: rowCount,
      missing,
      distinct: distinct.size,
    };
  });
  const column = (name: string) => {
    const values = table[name];
    if (!values)
      throw new VigilError(
        "VIGIL_COLUMN_NOT_FOUND",
        `no column ${JSON.stringify(name)} in ${path}`,
      );
    return values;
  };
  return {
    path,
    format: "memory",
    rowCount,
    columns,
    async numericColumn(name) {
      const values = column(name);
      const out: number[] = [];
      let missing = 0;
      let posInf = 0;
      let negInf = 0;
      const samples: TypeErrorSample[] = [];
      let typeErrorCount = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (isMissing(v)) missing++;
        else if (typeof v === "number") {
          if (v === Number.POSITIVE_INFINITY) posInf++;
          else if (v === Number.NEGATIVE_INFINITY) negInf++;
          else out.push(v);
        } else if (typeof v === "boolean") out.push(v ? 1 : 0);
        else if (typeof v === "string") {
          const x = Number(v);
          if (v.trim() !== "" && Number.isFinite(x)) out.push(x);
          else {
            typeErrorCount++;
            if (samples.length < 20) samples.push({ row: i + 1, value: v });
          }
        }
      }
      return {
        values: Float64Array.from(out).sort(),
        missing,
        posInf,
        negInf,
        typeErrors: { count: typeErrorCount, samples },
      };
    },
    async categoryCounts(name) {
      const values = column(name);
      const counts = new Map<string, number>();
      let missing = 0;
      for (let i = 0; i < values.length; i++) {
        const v = values[i];
        if (isMissing(v)) missing++;
        else {
          const key = String(v);
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
      }
      const entries = [...counts].sort(
        (a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
      );
      return {
        categories: entries.map((e) => e[0]),
        counts: Float64Array.from(entries.map((e) => e[1])),
        missing,
      };
    },
  };
}
