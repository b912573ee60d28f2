#!/usr/bin/env node
import { cpus } from "node:os";
// Where `vigil drift` spends its time: opens both files and tests every column like
// runDrift, printing a timestamp per phase (open, profile, per-column fetch) to stderr.
//   node bench/drift-profile.mjs REF CUR [--threads N] [--concurrency N]
import { performance } from "node:perf_hooks";

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const [ref, cur] = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const threads = opt("--threads", cpus().length);
const concurrency = opt("--concurrency", Math.max(2, threads));
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const stamp = (what) => {
  const c = process.cpuUsage(cpu0);
  process.stderr.write(
    `${(performance.now() - t0).toFixed(0).padStart(6)} ms  cpu ${((c.user + c.system) / 1000).toFixed(0).padStart(6)} ms  ${what}\n`,
  );
};
const { createEngine, openDataset } = await import("../dist/data/index.js");
if (args.includes("--sql")) {
  const { DuckDBConnection } = await import("@duckdb/node-api");
  for (const m of ["run", "runAndReadAll", "stream"]) {
    const orig = DuckDBConnection.prototype[m];
    DuckDBConnection.prototype[m] = async function (sql, ...rest) {
      const a = performance.now();
      const r = await orig.call(this, sql, ...rest);
      stamp(
        `  sql ${m} ${(performance.now() - a).toFixed(0)} ms: ${sql.replace(/\s+/g, " ").slice(0, 160)}`,
      );
      return r;
    };
  }
}
const { compareSources } = await import("../dist/drift/engine.js");
stamp("imported");
const engine = await createEngine({ threads });
stamp("engine");
const wrap = (ds, side) => ({
  ...ds,
  path: ds.path,
  format: ds.format,
  rowCount: ds.rowCount,
  columns: ds.columns,
  willRead: ds.willRead ? (names) => ds.willRead(names) : undefined,
  async numericColumn(name) {
    const a = performance.now();
    const r = await ds.numericColumn(name);
    stamp(`${side} numeric ${name} ${(performance.now() - a).toFixed(0)} ms`);
    return r;
  },
  async categoryCounts(name) {
    const a = performance.now();
    const r = await ds.categoryCounts(name);
    stamp(`${side} counts ${name} ${(performance.now() - a).toFixed(0)} ms`);
    return r;
  },
});
const r = await openDataset(ref, { db: engine });
stamp("opened reference");
const c = await openDataset(cur, { db: engine });
stamp("opened current");
const report = await compareSources(wrap(r, "ref"), wrap(c, "cur"), { concurrency });
stamp(`tested ${report.columns.length} columns, ${report.summary.drifted} drifted`);
const json = JSON.stringify(report);
stamp(`json ${json.length} bytes`);
await Promise.all([r.close(), c.close()]);
await engine.close();
stamp("closed");
// CPU per thread (Linux): DuckDB's threads, the sort workers, libuv's pool and the main thread.
try {
  const { readdirSync, readFileSync } = await import("node:fs");
  const tick = 100; // USER_HZ
  const byName = new Map();
  for (const tid of readdirSync("/proc/self/task")) {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
    const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ms = ((Number(f[11]) + Number(f[12])) * 1000) / tick;
    const key = tid === String(process.pid) ? "main" : `${name}:${tid}`;
    const e = byName.get(key) ?? { ms: 0, n: 0 };
    e.ms += ms;
    e.n += 1;
    byName.set(key, e);
  }
  for (const [k, e] of [...byName].sort((a, b) => b[1].ms - a[1].ms))
    if (e.ms > 0) process.stderr.write(`  thread ${k} x${e.n}: ${e.ms.toFixed(0)} ms CPU\n`);
} catch {}
