#!/usr/bin/env node
// Where `vigil drift` spends its time. Opens both files and tests every column as runDrift
// does (dist/ build: run `npm run build` first), printing to stderr a line per phase and per
// column fetch (wall and process CPU since start), then the CPU time of every thread
// (Linux /proc: the main thread, the two sort workers, DuckDB's and V8's threads).
//
//   node bench/drift-profile.mjs REF CUR [--threads N] [--concurrency N] [--sql]
//
// --sql also prints every DuckDB query with its wall time. Use `node --cpu-prof` on top of it
// for a JavaScript profile.
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";

const valued = new Set(["--threads", "--concurrency"]);
const args = process.argv.slice(2);
const positional = args.filter((a, i) => !a.startsWith("--") && !valued.has(args[i - 1] ?? ""));
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const [ref, cur] = positional;
if (!ref || !cur) {
  process.stderr.write(
    "usage: node bench/drift-profile.mjs REF CUR [--threads N] [--concurrency N] [--sql]\n",
  );
  process.exit(2);
}
const threads = opt("--threads", cpus().length);
const concurrency = opt("--concurrency", Math.max(2, threads));

const t0 = performance.now();
const cpu0 = process.cpuUsage();
const stamp = (what) => {
  const c = process.cpuUsage(cpu0);
  const wall = (performance.now() - t0).toFixed(0).padStart(6);
  const cpu = ((c.user + c.system) / 1000).toFixed(0).padStart(6);
  process.stderr.write(`${wall} ms  cpu ${cpu} ms  ${what}\n`);
};

const { createEngine, openDataset } = await import("../dist/data/index.js");
const { compareSources } = await import("../dist/drift/engine.js");
const { sideBySideConversions } = await import("../dist/drift/files.js");
if (args.includes("--sql")) {
  const { DuckDBConnection } = await import("@duckdb/node-api");
  for (const m of ["run", "stream"]) {
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
stamp("imported");

/** The data set with its column reads timed (and its optional methods passed through). */
const timed = (ds, side) => ({
  path: ds.path,
  format: ds.format,
  rowCount: ds.rowCount,
  columns: ds.columns,
  willRead: (names) => ds.willRead?.(names),
  release: (column) => ds.release?.(column),
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

const engine = await createEngine({ threads });
const conversionThreads = await sideBySideConversions(engine, [ref, cur]);
const open = async (path, side) => {
  const ds = await openDataset(path, { db: engine, conversionThreads });
  stamp(`opened ${side}`);
  return ds;
};
const [r, c] = await Promise.all([open(ref, "reference"), open(cur, "current")]);
const report = await compareSources(timed(r, "ref"), timed(c, "cur"), { concurrency });
stamp(`tested ${report.columns.length} columns, ${report.summary.drifted} drifted`);
await Promise.all([r.close(), c.close()]);
await engine.close();
stamp("closed");

const byThread = [];
for (const tid of readdirSync("/proc/self/task")) {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // utime and stime, in clock ticks (USER_HZ = 100 on Linux).
  const ms = (Number(fields[11]) + Number(fields[12])) * 10;
  byThread.push([tid === String(process.pid) ? "main" : `thread ${tid}`, ms]);
}
for (const [name, ms] of byThread.sort((a, b) => b[1] - a[1]))
  if (ms > 0) process.stderr.write(`  ${name}: ${ms} ms CPU\n`);
