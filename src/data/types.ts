/** Public types of `src/data`: what the drift engine and the CLI see of a data set. */

export type ColumnKind = "numeric" | "categorical" | "boolean" | "datetime" | "text" | "id";
export type InputFormat = "csv" | "tsv" | "parquet" | "jsonl";

export const INPUT_FORMATS: readonly InputFormat[] = ["csv", "tsv", "parquet", "jsonl"];
export const COLUMN_KINDS: readonly ColumnKind[] = [
  "numeric",
  "categorical",
  "boolean",
  "datetime",
  "text",
  "id",
];

/** Shares one DuckDB instance between the data sets of a run. */
export interface DataEngine {
  /** DuckDB's threads (the `threads` option, else the machine's cores). */
  readonly threads: number;
  close(): Promise<void>;
}

export interface EngineOptions {
  threads?: number;
  /** DuckDB `memory_limit`, e.g. "400MB"; above it DuckDB spills to `tempDirectory`. */
  memoryLimit?: string;
  /** Where DuckDB spills and where `.parquet.gz` files are unpacked; default: a fresh dir in os.tmpdir(). */
  tempDirectory?: string;
}

export interface OpenOptions {
  /** Default: from the extension (.csv .tsv .parquet .jsonl .ndjson, each optionally .gz). */
  format?: InputFormat;
  /** User overrides (`--kind col=categorical`); an unknown column is VIGIL_COLUMN_NOT_FOUND. */
  kinds?: Record<string, ColumnKind>;
  /** DuckDB threads, used when no `db` is given. */
  threads?: number;
  /** Share one DuckDB instance between the two data sets of a run. */
  db?: DataEngine;
  /**
   * DuckDB threads for parsing a CSV, TSV or JSON Lines file into its scratch Parquet file
   * (default: all of the engine's). Parses whose threads fit in the engine's together run
   * at the same time, each on a DuckDB instance of its own: open two files with half the
   * threads each to parse them side by side.
   */
  conversionThreads?: number;
  /**
   * A Parquet file whose numeric columns take at most this many bytes as doubles is read
   * whole at open (one scan that also counts their missing values), else in groups as the
   * columns are asked for. Default 192 MiB; 0 reads in groups always (less memory).
   */
  prefetchBytes?: number;
}

export interface ColumnInfo {
  name: string;
  kind: ColumnKind;
  /** DuckDB type name as read (VARCHAR, DOUBLE, BIGINT, ...). */
  sourceType: string;
  rows: number;
  /** Empty, NA, N/A, null, NULL, NaN, nan (as strings) and numeric NaN. */
  missing: number;
  /**
   * Distinct non-missing values. Exact for strings, booleans and every column with up to
   * 1,000 distinct values in its first 8,192 rows. For numeric and datetime columns with
   * more, counting them exactly at open would cost as much as sorting the column, so it is
   * the count in those first rows (a lower bound, `distinctExact` false) until
   * `numericColumn()` has been called, which makes it exact.
   */
  distinct: number;
  distinctExact: boolean;
}

/** A value that should have been a number; row is 1-based, not counting a CSV header. */
export interface TypeErrorSample {
  row: number;
  value: string;
}

export interface NumericColumn {
  /** Finite, non-missing values sorted ascending (datetime: epoch milliseconds). */
  values: Float64Array;
  missing: number;
  posInf: number;
  negInf: number;
  /** Non-numeric strings in a numeric column: count and the first 20 by row. */
  typeErrors: { count: number; samples: TypeErrorSample[] };
  /** Exact number of distinct finite values (counted from the sorted values). */
  distinct: number;
  /** Mean and population std (ddof 0) of `values`, computed where they were sorted. */
  mean: number;
  std: number;
}

/** All categories, by count descending then name ascending. */
export interface CategoryCounts {
  categories: string[];
  counts: Float64Array;
  missing: number;
}

export interface Dataset {
  path: string;
  format: InputFormat;
  rowCount: number;
  columns: ColumnInfo[];
  /** VIGIL_COLUMN_NOT_FOUND when absent. */
  column(name: string): ColumnInfo;
  numericColumn(name: string): Promise<NumericColumn>;
  /**
   * Optional hint: numericColumn() will be asked for these columns, in this order. They are
   * then read several per pass over the file, within a memory budget.
   */
  willRead?(names: string[]): void;
  /**
   * Optional: the caller is done with a column numericColumn() returned and will not touch
   * its values again; their memory may hold a later column (saves allocating, and the kernel
   * zeroing, a fresh array per column: about 0.1 s per 10M values).
   */
  release?(column: NumericColumn): void;
  /** Works for any kind: values as strings; booleans "true"/"false"; integers without ".0". */
  categoryCounts(name: string): Promise<CategoryCounts>;
  close(): Promise<void>;
}
