#!/usr/bin/env node
// The latest point of every metric series of a model (store.latestMetrics: what the status
// endpoint, every /metrics scrape and every scheduler tick read) against the query it
// replaced (the greatest window of each series grouped over the whole `metrics` history),
// both run in this process on the same database, after writing a history of windows.
//
// Usage: npm run build && node bench/latest-metrics.mjs [--windows 2000] [--runs 5]
//          [--db URL] (default a temp SQLite file; postgres://... for PostgreSQL, in a fresh
//          schema dropped afterwards)
// Prints, per run, ms of the new read and of the old query, their medians and the ratio;
// also the ms per putMetrics batch (one window's points) while the history is written.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { openStore } = await import(pathToFileURL(path.join(ROOT, "dist/store/index.js")).href);
const { sql } = await import("kysely");

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const windows = Number(opt("windows", "2000"));
const runs = Number(opt("runs", "5"));
const tmp = mkdtempSync(path.join(tmpdir(), "vigil-latest-"));
const schema = `vigil_bench_latest_${process.pid}`;
const url = opt("db", path.join(tmp, "vigil.db"));
const pg = /^postgres(ql)?:/.test(url);

const store = await openStore(url, pg ? { schema } : {});
try {
  const model = await store.createModel({ name: "bench", task: "binary", schema: {} });
  // 20 features x 8 per-feature series + 4 model-level ones: a model like bench:ingest's.
  const series = [];
  for (let f = 0; f < 20; f++) {
    for (const name of [
      "drift_score",
      "drift_drifted",
      "feature_missing_share",
      "feature_mean",
      "feature_out_of_range_share",
      "feature_p50",
      "feature_p99",
      "feature_type_error_share",
    ])
      series.push({ name, labels: { feature: `f${f}` } });
  }
  for (const name of ["event_count", "throughput", "error_rate", "latency_ms"])
    series.push({ name, labels: {} });
  const t0 = performance.now();
  for (let w = 0; w < windows; w++) {
    await store.putMetrics(
      series.map((s) => ({
        modelId: model.id,
        versionId: null,
        windowStart: w * 60_000,
        name: s.name,
        labels: s.labels,
        value: (w % 97) / 97,
      })),
    );
    if (w % 500 === 499) process.stderr.write(`[latest-metrics] wrote ${w + 1} windows\n`);
  }
  const writeMs = (performance.now() - t0) / windows;
  // The query latestMetrics ran before migration 0006.
  const old = sql`
    SELECT m.* FROM metrics m JOIN (
      SELECT version_id, name, labels_json, max(window_start) AS latest_start
      FROM metrics WHERE model_id = ${model.id} GROUP BY version_id, name, labels_json
    ) l ON l.version_id = m.version_id AND l.name = m.name AND l.labels_json = m.labels_json
      AND l.latest_start = m.window_start
    WHERE m.model_id = ${model.id} ORDER BY m.name, m.version_id, m.labels_json`;
  const newMs = [];
  const oldMs = [];
  for (let r = 0; r < runs; r++) {
    let t = performance.now();
    const now = await store.latestMetrics(model.id);
    newMs.push(performance.now() - t);
    t = performance.now();
    const before = (await old.execute(store.kysely)).rows;
    oldMs.push(performance.now() - t);
    const same =
      now.length === before.length &&
      now.every((p, i) => p.windowStart === Number(before[i].window_start));
    if (!same) throw new Error("latestMetrics and the old query disagree");
    console.log(
      `run ${r + 1}: latestMetrics ${newMs.at(-1).toFixed(2)} ms, old query ${oldMs.at(-1).toFixed(1)} ms (${now.length} series)`,
    );
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(
    `${pg ? "postgres" : "sqlite"}, ${series.length} series x ${windows} windows: ` +
      `latestMetrics ${median(newMs).toFixed(2)} ms, old query ${median(oldMs).toFixed(1)} ms ` +
      `(ratio ${(median(newMs) / median(oldMs)).toFixed(4)}); putMetrics ${writeMs.toFixed(2)} ms per window`,
  );
} finally {
  if (pg) await sql`DROP SCHEMA ${sql.id(schema)} CASCADE`.execute(store.kysely);
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
}
