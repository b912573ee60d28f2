/**
 * The page reader for scratch copies (src/data/scratch-parquet.ts) against DuckDB reading the
 * same files: every value it returns must be the one `CAST(column AS DOUBLE)` gives, bit for
 * bit and in file order; what it does not decode it must decline, never misread.
 */
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PagesUnsupported, ParquetPages } from "../../src/data/parquet-pages.js";
import { tempDir } from "./fixture.js";

const tmp = tempDir();
let db: DuckDBInstance;
let conn: DuckDBConnection;
beforeAll(async () => {
  db = await DuckDBInstance.create(":memory:");
  conn = await db.connect();
});
afterAll(() => {
  conn.closeSync();
  db.closeSync();
  tmp.remove();
});

/**
 * Deterministic columns over `rows` rows (h is a hash of the row number, so values look
 * random but repeat on every run): nulls, NaN, infinities and -0 among doubles; integers
 * past 2^53, where conversion rounds; few and many distinct values (dictionary pages of
 * narrow and wide indices); and types the reader must leave to DuckDB.
 */
const TABLE = (rows: number) => `
  SELECT
    CASE WHEN i % 7 = 0 THEN NULL WHEN i % 11 = 0 THEN 'nan'::DOUBLE
         WHEN i % 101 = 0 THEN 'inf'::DOUBLE WHEN i % 103 = 0 THEN '-inf'::DOUBLE
         WHEN i % 107 = 0 THEN -0.0::DOUBLE ELSE (h % 2000001 - 1000000) / 997.0 END AS d,
    ((h % 1000003) * 1.000001)::DOUBLE AS dense,
    CASE i % 5 WHEN 0 THEN 9223372036854775807 WHEN 1 THEN -9223372036854775808
         WHEN 2 THEN 9007199254740993 + i ELSE -(h % 1000000000000000000) END::BIGINT AS big,
    CASE WHEN i % 3 = 0 THEN NULL ELSE (h % 13) - 6 END::BIGINT AS few,
    (h % 3001)::BIGINT AS many,
    CASE WHEN i % 9 = 0 THEN NULL ELSE (h % 4000000001) - 2000000000 END::INTEGER AS int32,
    ((h % 100000) / 7.0)::FLOAT AS f32,
    ((h % 60001) - 30000)::SMALLINT AS i16,
    ((h % 201) - 100)::TINYINT AS i8,
    NULL::DOUBLE AS none,
    DATE '2020-01-01' + (h % 1000)::INTEGER AS day,
    TIMESTAMP '2020-01-01' + to_seconds(h % 100000) AS ts,
    ((h % 100000) / 100)::DECIMAL(10, 2) AS dec,
    (h % 1000)::UBIGINT AS unsigned,
    'v' || (h % 50) AS text
  FROM (SELECT i, (hash(i) % 4611686018427387904)::BIGINT AS h FROM range(${rows}) t(i))`;

const READ = ["d", "dense", "big", "few", "many", "int32", "f32", "i16", "i8", "none"];
const DECLINED = ["day", "ts", "dec", "unsigned", "text"];

async function write(name: string, rows: number, options: string): Promise<string> {
  const file = join(tmp.dir, `${name}.parquet`);
  await conn.run(`COPY (${TABLE(rows)}) TO '${file}' (FORMAT parquet, ${options})`);
  return file;
}

/** What DuckDB reads for the column: present values as doubles, in file order. */
async function expected(file: string, column: string, skipNaN: boolean): Promise<number[]> {
  const reader = await conn.runAndReadAll(
    `SELECT CAST("${column}" AS DOUBLE) AS v FROM read_parquet('${file}') WHERE "${column}" IS NOT NULL`,
  );
  // No rows, no columns: getColumns() is empty then.
  const values = (reader.getColumns()[0] ?? []) as number[];
  return skipNaN ? values.filter((v) => !Number.isNaN(v)) : values;
}

/** The first index where `got` differs from `want` bit for bit (-0 is not 0), or -1. */
function firstDifference(got: Float64Array, want: number[]): number {
  if (got.length !== want.length) return Math.min(got.length, want.length);
  for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) return i;
  return -1;
}

/**
 * Every column of READ read from the pages equals DuckDB's reading. With `declines` "some"
 * (version 2 pages, where DuckDB picks encodings this reader leaves alone, such as
 * BYTE_STREAM_SPLIT for doubles), a column may instead be declined, but never misread.
 */
async function expectSameAsDuckDB(
  file: string,
  skipNaN: boolean,
  declines: "all" | "some" = "all",
): Promise<void> {
  const pages = await ParquetPages.open(file);
  expect(pages).toBeDefined();
  if (!pages) return;
  for (const name of DECLINED) expect(pages.reads(name), name).toBe(false);
  let decoded = 0;
  for (const name of READ) {
    const want = await expected(file, name, skipNaN);
    // Sized as the profile sizes them: exactly the values to come.
    const out = new Float64Array(want.length);
    let filled: number;
    try {
      expect(pages.reads(name), name).toBe(true);
      [filled = -1] = await pages.readDoubles([name], [out], [skipNaN]);
    } catch (error) {
      if (declines === "all" || !(error instanceof PagesUnsupported)) throw error;
      continue;
    }
    decoded += 1;
    expect(filled, name).toBe(want.length);
    expect(firstDifference(out, want), name).toBe(-1);
  }
  expect(decoded).toBeGreaterThan(declines === "all" ? READ.length - 1 : 0);
  if (declines === "all") {
    // Several columns in one call (one read per row group) give what each gives alone.
    const wants: number[][] = [];
    for (const c of READ) wants.push(await expected(file, c, skipNaN));
    const outs = wants.map((w) => new Float64Array(w.length));
    const filled = await pages.readDoubles(
      READ,
      outs,
      READ.map(() => skipNaN),
    );
    READ.forEach((name, j) => {
      expect(filled[j], name).toBe((wants[j] as number[]).length);
      expect(firstDifference(outs[j] as Float64Array, wants[j] as number[]), name).toBe(-1);
    });
    // Two columns with others between them: read chunk by chunk, not as one span.
    const ends = [0, READ.length - 2];
    const apart = ends.map((j) => new Float64Array((wants[j] as number[]).length));
    await pages.readDoubles(
      ends.map((j) => READ[j] as string),
      apart,
      ends.map(() => skipNaN),
    );
    ends.forEach((j, k) => {
      expect(firstDifference(apart[k] as Float64Array, wants[j] as number[]), READ[j]).toBe(-1);
    });
  }
}

describe("ParquetPages reads what DuckDB reads", () => {
  it("as Vigil writes scratch copies (uncompressed, default row groups, many pages)", async () => {
    const file = await write("scratch", 300_000, "COMPRESSION uncompressed");
    await expectSameAsDuckDB(file, false);
    await expectSameAsDuckDB(file, true);
  });

  it.each([
    ["snappy", "COMPRESSION snappy"],
    ["gzip", "COMPRESSION gzip"],
    ["snappy, version 2 pages", "COMPRESSION snappy, PARQUET_VERSION V2"],
    ["gzip, version 2 pages", "COMPRESSION gzip, PARQUET_VERSION V2"],
  ])("compressed: %s", async (name, options) => {
    const file = await write(name.replaceAll(/\W/g, "_"), 50_000, options);
    await expectSameAsDuckDB(file, true, name.includes("version 2") ? "some" : "all");
  });

  it("across many small row groups, each with its own dictionary", async () => {
    const file = await write("groups", 20_000, "COMPRESSION uncompressed, ROW_GROUP_SIZE 2048");
    await expectSameAsDuckDB(file, true);
  });

  it("with dictionaries turned off (plain pages only)", async () => {
    const file = await write("plain", 20_000, "COMPRESSION uncompressed, DICTIONARY_SIZE_LIMIT 0");
    await expectSameAsDuckDB(file, false);
  });

  it("an empty file gives no values", async () => {
    const file = await write("empty", 0, "COMPRESSION uncompressed");
    const pages = await ParquetPages.open(file);
    const out = new Float64Array(0);
    expect(await pages?.readDoubles(["d"], [out], [true])).toEqual([0]);
  });
});

describe("ParquetPages declines what it does not decode", () => {
  it("columns compressed with a codec it lacks (zstd)", async () => {
    const file = await write("zstd", 5_000, "COMPRESSION zstd");
    const pages = await ParquetPages.open(file);
    for (const name of READ) expect(pages?.reads(name), name).toBe(false);
  });

  it("a file that is not Parquet", async () => {
    const { writeFileSync } = await import("node:fs");
    const file = join(tmp.dir, "not.parquet");
    writeFileSync(file, "a,b\n1,2\n");
    expect(await ParquetPages.open(file)).toBeUndefined();
  });

  it.each(["uncompressed", "snappy"])("more values than the arrays hold (%s)", async (codec) => {
    const file = await write(`short_${codec}`, 5_000, `COMPRESSION ${codec}`);
    const pages = await ParquetPages.open(file);
    await expect(pages?.readDoubles(["dense"], [new Float64Array(10)], [false])).rejects.toThrow(
      /more values/,
    );
  });
});
