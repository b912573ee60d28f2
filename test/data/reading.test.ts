/** Reading behaviour beyond the shared format suite: late surprises, scale, sharing, cleanup. */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { afterAll, describe, expect, it } from "vitest";
import { asEngine } from "../../src/data/engine.js";
import { createEngine, openDataset } from "../../src/data/index.js";
import { expectCode } from "../helpers/error-code.js";
import { tempDir } from "./fixture.js";

const tmp = tempDir();
afterAll(() => tmp.remove());
let n = 0;
function caseDir(): string {
  n += 1;
  const dir = join(tmp.dir, `r${n}`);
  mkdirSync(dir);
  return dir;
}

/** Park-Miller generator: the same numbers on every run. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 48271) % 2147483647;
    return s / 2147483647;
  };
}

describe("values DuckDB's type sniffer never saw", () => {
  it("bad strings after the sniffing sample become type errors at their rows", async () => {
    const dir = caseDir();
    const rows = ["x,y,label"];
    const badX = new Map([
      [25_001, "oops"],
      [29_990, "n/a?"],
    ]);
    const badY = new Map([[27_000, "12abc"]]);
    for (let r = 1; r <= 30_000; r++) {
      const label = r === 3 ? '"first\nsecond"' : "ok";
      rows.push(`${badX.get(r) ?? r * 0.5},${badY.get(r) ?? r},${label}`);
    }
    const path = join(dir, "late.csv");
    writeFileSync(path, `${rows.join("\n")}\n`);
    const ds = await openDataset(path);
    expect(ds.rowCount).toBe(30_000);
    expect(ds.column("x").kind).toBe("numeric");
    expect(ds.column("y").kind).toBe("numeric");
    const x = await ds.numericColumn("x");
    expect(x.typeErrors).toEqual({
      count: 2,
      samples: [...badX].map(([row, value]) => ({ row, value })),
    });
    expect(x.values.length).toBe(29_998);
    const y = await ds.numericColumn("y");
    expect(y.typeErrors).toEqual({ count: 1, samples: [{ row: 27_000, value: "12abc" }] });
    expect(y.values[0]).toBe(1);
    expect(y.values[y.values.length - 1]).toBe(30_000);
    await ds.close();
  });

  it("JSON Lines: a type contradicted after the first records is still read", async () => {
    const dir = caseDir();
    const lines = Array.from({ length: 25_000 }, (_, k) => `{"v": ${k}}`);
    lines[24_000] = '{"v": "broken"}';
    const path = join(dir, "late.jsonl");
    writeFileSync(path, `${lines.join("\n")}\n`);
    const ds = await openDataset(path);
    const v = await ds.numericColumn("v");
    expect(v.typeErrors).toEqual({ count: 1, samples: [{ row: 24_001, value: "broken" }] });
    expect(v.values.length).toBe(24_999);
    await ds.close();
  });
});

describe("scale: 100,000 rows of Parquet", () => {
  it("sorts like Float64Array.sort, and makes a lower-bound distinct count exact", async () => {
    const dir = caseDir();
    const rand = lcg(7);
    const N = 100_000;
    const a = new Float64Array(N);
    for (let i = 0; i < N; i++) a[i] = (rand() - 0.3) * 1000;
    const csv = join(dir, "a.csv");
    writeFileSync(
      csv,
      `a,b\n${Array.from(a, (v, i) => `${v},${i % 2 === 0 ? 0.5 : 1.5}`).join("\n")}\n`,
    );
    const db = await DuckDBInstance.create(":memory:");
    const conn = await db.connect();
    const path = join(dir, "a.parquet");
    await conn.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${path}' (FORMAT parquet)`);
    conn.closeSync();
    db.closeSync();

    const ds = await openDataset(path);
    const info = ds.column("a");
    expect(info.distinctExact).toBe(false);
    expect(info.distinct).toBeGreaterThan(1000);
    expect(info.distinct).toBeLessThanOrEqual(65_536);
    expect(ds.column("b").distinct).toBe(2);
    expect(ds.column("b").distinctExact).toBe(true);
    const col = await ds.numericColumn("a");
    const expected = a.slice().sort();
    expect(col.values).toEqual(expected);
    const exact = new Set(a).size;
    expect(col.distinct).toBe(exact);
    expect(ds.column("a").distinct).toBe(exact);
    expect(ds.column("a").distinctExact).toBe(true);
    const b = await ds.categoryCounts("b");
    expect(b.categories).toEqual(["0.5", "1.5"]);
    expect(Array.from(b.counts)).toEqual([N / 2, N / 2]);
    await ds.close();
  });
});

describe("one engine for both data sets of a run", () => {
  it("answers concurrent requests on two data sets as it answers them one by one", async () => {
    const dir = caseDir();
    const rand = lcg(11);
    const write = (name: string, shift: number) => {
      const lines = ["v,c"];
      for (let i = 0; i < 5000; i++) lines.push(`${rand() + shift},k${i % 7}`);
      writeFileSync(join(dir, name), `${lines.join("\n")}\n`);
    };
    write("ref.csv", 0);
    write("cur.csv", 0.1);
    const engine = await createEngine({ threads: 2, tempDirectory: dir });
    const [ref, cur] = await Promise.all([
      openDataset(join(dir, "ref.csv"), { db: engine }),
      openDataset(join(dir, "cur.csv"), { db: engine }),
    ]);
    const together = await Promise.all([
      ref.numericColumn("v"),
      cur.numericColumn("v"),
      ref.categoryCounts("c"),
      ref.numericColumn("v"),
      cur.categoryCounts("c"),
    ]);
    const alone = [
      await ref.numericColumn("v"),
      await cur.numericColumn("v"),
      await ref.categoryCounts("c"),
    ];
    expect(together[0]).toEqual(alone[0]);
    expect(together[1]).toEqual(alone[1]);
    expect(together[2]).toEqual(alone[2]);
    expect(together[3]).toEqual(alone[0]);
    expect(together[0].values).not.toEqual(together[1].values);
    // Parsed copies of the CSV files live in the temp directory until each data set closes.
    expect(readdirSync(dir).filter((f) => f.endsWith(".parquet")).length).toBe(2);
    await ref.close();
    await cur.close();
    expect(readdirSync(dir).filter((f) => f.endsWith(".parquet"))).toEqual([]);
    await engine.close();
  });
});

describe("text files parsed side by side (Engine.convert)", () => {
  it("conversions run at once while their threads fit, else in the order asked", async () => {
    const engine = asEngine(await createEngine({ threads: 2 }));
    expect(engine.threads).toBe(2);
    const log: string[] = [];
    const gates = new Map<string, () => void>();
    const started = new Map<string, Promise<void>>();
    const convert = (name: string, threads: number | undefined) => {
      let onStart!: () => void;
      started.set(name, new Promise<void>((r) => (onStart = r)));
      return engine.convert(threads, async (conn) => {
        const rows = (await conn.runAndReadAll("SELECT current_setting('threads')")).getRows();
        log.push(`${name} start, ${String(rows[0]?.[0])} thread(s)`);
        onStart();
        await new Promise<void>((r) => gates.set(name, r));
        log.push(`${name} end`);
        return name;
      });
    };
    const a = convert("a", 1);
    const b = convert("b", 1);
    await Promise.all([started.get("a"), started.get("b")]);
    // Both run; c needs both threads and waits; d would fit after a but keeps its turn.
    const c = convert("c", undefined);
    const d = convert("d", 1);
    gates.get("a")!();
    await a;
    await new Promise((r) => setTimeout(r, 50));
    // a and b start in either order (each creates its own DuckDB instance first).
    expect(log.slice(0, 2).sort()).toEqual(["a start, 1 thread(s)", "b start, 1 thread(s)"]);
    expect(log.slice(2)).toEqual(["a end"]);
    gates.get("b")!();
    await started.get("c");
    expect(log.at(-1)).toBe("c start, 2 thread(s)");
    gates.get("c")!();
    await started.get("d");
    gates.get("d")!();
    expect(await Promise.all([b, c, d])).toEqual(["b", "c", "d"]);
    expect(log.slice(3)).toEqual([
      "b end",
      "c start, 2 thread(s)",
      "c end",
      "d start, 1 thread(s)",
      "d end",
    ]);
    // A failed conversion gives its threads back.
    await expect(engine.convert(2, () => Promise.reject(new Error("boom")))).rejects.toThrow(
      "boom",
    );
    expect(await engine.convert(2, async () => "after")).toBe("after");
    await engine.close();
  });

  it("each conversion spills to its own directory and gets its share of a memory limit", async () => {
    const dir = caseDir();
    const engine = asEngine(
      await createEngine({ threads: 2, memoryLimit: "400MB", tempDirectory: dir }),
    );
    const setting = async (conn: DuckDBConnection, name: string) =>
      String((await conn.runAndReadAll(`SELECT current_setting('${name}')`)).getRows()[0]?.[0]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: { limit: string; spill: string }[] = [];
    const one = () =>
      engine.convert(1, async (conn) => {
        seen.push({
          limit: await setting(conn, "memory_limit"),
          spill: await setting(conn, "temp_directory"),
        });
        await gate;
      });
    const both = Promise.all([one(), one()]);
    while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
    release();
    await both;
    // 400 MB x 1/2 threads = 200,000,000 bytes, which DuckDB shows in MiB.
    expect(seen.map((x) => x.limit)).toEqual(["190.7 MiB", "190.7 MiB"]);
    expect(seen[0]!.spill).not.toBe(seen[1]!.spill);
    for (const { spill } of seen) expect(spill.startsWith(join(dir, "vigil_convert"))).toBe(true);
    expect(readdirSync(dir).filter((f) => f.startsWith("vigil_convert"))).toEqual([]);
    await engine.close();
  });

  it("files parsed with one thread each read as with all threads", async () => {
    const dir = caseDir();
    const rand = lcg(5);
    const lines = ["v,c,t"];
    for (let i = 0; i < 20_000; i++) {
      lines.push(
        `${i === 15_000 ? "oops" : (rand() * 100).toFixed(3)},k${i % 9},${i % 3 === 0 ? "" : "x"}`,
      );
    }
    writeFileSync(join(dir, "f.csv"), `${lines.join("\n")}\n`);
    const read = async (conversionThreads?: number) => {
      const engine = await createEngine({ threads: 2, tempDirectory: dir });
      const ds = await openDataset(join(dir, "f.csv"), {
        db: engine,
        ...(conversionThreads ? { conversionThreads } : {}),
      });
      const out = {
        columns: ds.columns,
        v: await ds.numericColumn("v"),
        c: await ds.categoryCounts("c"),
      };
      await ds.close();
      await engine.close();
      return out;
    };
    const one = await read(1);
    expect(one.v.typeErrors.samples).toEqual([{ row: 15_001, value: "oops" }]);
    expect(one).toEqual(await read());
    await expectCode(
      openDataset(join(dir, "f.csv"), { conversionThreads: 0 }),
      "VIGIL_INVALID_ARGUMENT",
    );
  });
});

describe("details of text formats", () => {
  it("JSON whole-number doubles count as integers; CRLF and a BOM are fine", async () => {
    const dir = caseDir();
    const jsonl = join(dir, "f.jsonl");
    writeFileSync(jsonl, '{"x": 1.0}\n{"x": 2.5}\n{"x": 1.0}\n{"x": -0.0}\n{"x": null}\n');
    const ds = await openDataset(jsonl);
    expect(ds.column("x").sourceType).toBe("DOUBLE");
    const c = await ds.categoryCounts("x");
    expect(c.categories).toEqual(["1", "0", "2.5"]);
    expect(Array.from(c.counts)).toEqual([2, 1, 1]);
    expect(c.missing).toBe(1);
    await ds.close();

    const csv = join(dir, "crlf.csv");
    writeFileSync(csv, "\uFEFFa;b\r\n1;x\r\n2;y\r\n3;\r\n");
    const d2 = await openDataset(csv);
    expect(d2.columns.map((col) => col.name)).toEqual(["a", "b"]);
    expect(d2.column("b").missing).toBe(1);
    expect(Array.from((await d2.numericColumn("a")).values)).toEqual([1, 2, 3]);
    expect((await d2.categoryCounts("b")).categories).toEqual(["x", "y"]);
    await d2.close();
  });

  it("an all-missing column is read, with every row missing", async () => {
    const dir = caseDir();
    const path = join(dir, "m.csv");
    writeFileSync(path, "a,b\n1,NA\n2,\n3,null\n");
    const ds = await openDataset(path);
    expect(ds.column("b").missing).toBe(3);
    const b = await ds.numericColumn("b");
    expect(b.values.length).toBe(0);
    expect(b.missing).toBe(3);
    expect((await ds.categoryCounts("b")).categories).toEqual([]);
    await ds.close();
  });

  it("counts as missing the NaN DuckDB parses from text and the blanks, before any column is read", async () => {
    // "NAN" and "-nan" are not missing-value spellings: the CSV reader parses them as NaN, so
    // the open-time counts cannot come from the null counts the scratch copy's writer returns.
    const dir = caseDir();
    const path = join(dir, "nan.csv");
    writeFileSync(path, "x,y,z\n1,1,0.5\nNAN,2,\ninf,,1.5\n-nan,4,2.5\n2.5,5,\n");
    const ds = await openDataset(path);
    expect(ds.columns.map((c) => [c.name, c.sourceType, c.rows, c.missing])).toEqual([
      ["x", "DOUBLE", 5, 2],
      ["y", "BIGINT", 5, 1],
      ["z", "DOUBLE", 5, 2],
    ]);
    const x = await ds.numericColumn("x");
    expect([Array.from(x.values), x.missing, x.posInf]).toEqual([[1, 2.5], 2, 1]);
    await ds.close();
  });
});

describe("numeric columns read several per scan", () => {
  // Columns of every numeric kind, with NULLs, NaN and infinities, read through willRead()
  // (one scan for the group, memory of released columns reused) must equal each column read
  // on its own.
  const N = 70_000;
  const rand = lcg(23);
  const cols = {
    f: Array.from({ length: N }, () => (rand() - 0.5) * 100),
    g: Array.from({ length: N }, (_, i) =>
      i % 10 === 3 ? null : i % 997 === 0 ? Number.NaN : rand() * 5,
    ),
    h: Array.from({ length: N }, (_, i) =>
      i === 5 ? Number.POSITIVE_INFINITY : i === 6 ? Number.NEGATIVE_INFINITY : rand() * 1e6,
    ),
    k: Array.from({ length: N }, (_, i) => (i % 4 === 0 ? null : Math.floor(rand() * 500))),
  };
  const expected = (values: (number | null)[]) => {
    const present = values.filter((v): v is number => v !== null && !Number.isNaN(v));
    const finite = Float64Array.from(present.filter(Number.isFinite)).sort();
    return {
      values: finite,
      missing: N - present.length,
      distinct: new Set(finite).size,
      posInf: present.filter((v) => v === Number.POSITIVE_INFINITY).length,
      negInf: present.filter((v) => v === Number.NEGATIVE_INFINITY).length,
    };
  };
  let path = "";

  // Read whole at open (the default for a file this small) and in groups as asked for.
  it.each([
    ["read at open", {}],
    ["read in groups", { prefetchBytes: 0 }],
  ] as const)(
    "gives each column exactly as read alone (%s), also into released memory",
    async (_, opts) => {
      const dir = caseDir();
      path = join(dir, "many.parquet");
      const db = await DuckDBInstance.create(":memory:");
      const conn = await db.connect();
      const csv = join(dir, "many.csv");
      writeFileSync(
        csv,
        `f,g,h,k\n${Array.from({ length: N }, (_, i) =>
          [cols.f[i], cols.g[i], cols.h[i], cols.k[i]]
            .map((v) => (v === null ? "" : Number.isNaN(v) ? "NaN" : String(v)))
            .join(","),
        ).join("\n")}\n`,
      );
      await conn.run(
        `COPY (SELECT f::DOUBLE AS f, g::DOUBLE AS g, h::DOUBLE AS h, k::BIGINT AS k FROM read_csv('${csv}', nullstr='', types={'g': 'DOUBLE', 'h': 'DOUBLE'})) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 16384)`,
      );
      conn.closeSync();
      db.closeSync();

      const grouped = await openDataset(path, opts);
      grouped.willRead?.(["f", "g", "h", "k"]);
      for (const name of ["f", "g", "h", "k"] as const) {
        const col = await grouped.numericColumn(name);
        const want = expected(cols[name]);
        expect({
          values: col.values.slice(),
          missing: col.missing,
          distinct: col.distinct,
          posInf: col.posInf,
          negInf: col.negInf,
        }).toEqual(want);
        expect(grouped.column(name).missing).toBe(want.missing);
        grouped.release?.(col);
      }
      // Asked for again, out of the announced order: scanned again, into released memory.
      grouped.willRead?.(["k", "f"]);
      const k = await grouped.numericColumn("k");
      const f = await grouped.numericColumn("f");
      expect(f.values).toEqual(expected(cols.f).values);
      expect(k.values).toEqual(expected(cols.k).values);
      await grouped.close();

      const alone = await openDataset(path, opts);
      for (const name of ["g", "k"] as const) {
        expect((await alone.numericColumn(name)).values).toEqual(expected(cols[name]).values);
      }
      await alone.close();
    },
  );
});

describe("prefetchBytes", () => {
  it("is a number of bytes >= 0", async () => {
    const dir = caseDir();
    const csv = join(dir, "p.csv");
    writeFileSync(csv, "a\n1\n2\n");
    for (const prefetchBytes of [-1, Number.NaN]) {
      await expectCode(openDataset(csv, { prefetchBytes }), "VIGIL_INVALID_ARGUMENT");
    }
  });
});

describe("text columns profiled from their distinct values", () => {
  it("counts missing and distinct values past the kept-groups limit, and keeps small ones", async () => {
    const dir = caseDir();
    const N = 12_500;
    const missing = ["", "NA", "null", "N/A"];
    const lines = ["big,small"];
    for (let i = 0; i < N; i++) {
      // big: 12,000 distinct values plus 500 missing ones; small: 3 labels plus missing.
      const big = i < 500 ? (missing[i % 4] as string) : `u${i}`;
      const small = i % 50 === 0 ? "NA" : ["lo", "mid", "hi"][i % 3];
      lines.push(`${big},${small}`);
    }
    const path = join(dir, "text.csv");
    writeFileSync(path, `${lines.join("\n")}\n`);
    const ds = await openDataset(path);
    expect(ds.column("big").missing).toBe(500);
    expect(ds.column("big").distinct).toBe(12_000);
    expect(ds.column("big").kind).toBe("id");
    const small = ds.column("small");
    expect(small.missing).toBe(N / 50);
    expect(small.distinct).toBe(3);
    expect(small.kind).toBe("categorical");
    const counts = await ds.categoryCounts("small");
    const tally = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      if (i % 50 === 0) continue;
      const v = ["lo", "mid", "hi"][i % 3] as string;
      tally.set(v, (tally.get(v) ?? 0) + 1);
    }
    const order = [...tally].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    expect(counts.categories).toEqual(order.map((e) => e[0]));
    expect(Array.from(counts.counts)).toEqual(order.map((e) => e[1]));
    expect(counts.missing).toBe(N / 50);
    const big = await ds.categoryCounts("big");
    expect(big.categories.length).toBe(12_000);
    expect(big.missing).toBe(500);
    await ds.close();
  });
});
