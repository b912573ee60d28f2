#!/usr/bin/env node
// Ingest core benchmark: calls the ingest function (src/monitor/ingest.ts) directly, the
// work `POST /api/v1/models/{model}/predictions` does after Fastify hands over the body:
// splitting and parsing the request text, validation of every event, the raw insert, counting the
// new events into the window profile and the commit. No HTTP; `npm run bench:ingest`
// (another script) measures through the server.
//
// Usage: node bench/ingest-core.mjs [--dist dist] [--events 200000] [--batch 500]
//          [--features 20] [--concurrency 1,8] [--single 20000] [--backend sqlite|postgres]
//          [--pg URL] [--synchronous async|full|normal] [--ndjson] [--random-times]
//          [--sqlite-tuning] [--deferred]
//
// --deferred (SQLite) runs ingest as `vigil serve` does: window profiles counted after the
// commit on a worker thread (src/monitor/deferred-profiles.ts), large requests checked
// there, WAL checkpoints on a background thread. Without it, profiles are updated inside
// each transaction on this thread (what PostgreSQL does).
//
// --sqlite-tuning is an experiment, not what the store does: a 64 MB page cache (the store
// uses 16 MB, docs/store.md) and a checkpoint every 10,000 WAL pages instead of 1,000
// (fewer checkpoints write each hot page fewer times).
//
// Needs the compiled sources: `npm run build` (or --dist DIR holding monitor/ingest.js).
// Prints events/s and per-request p50/p99 for each concurrency (requests in flight at once,
// which is what lets group commit put several requests in one transaction), then the same
// for single-event requests, and checks that the stored count equals the accepted count.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

function parseArgs(argv) {
  const o = {
    dist: path.join(ROOT, "dist"),
    events: 200_000,
    batch: 500,
    features: 20,
    concurrency: [1, 8],
    single: 20_000,
    backend: "sqlite",
    pg: process.env.VIGIL_TEST_PG_URL || "postgres://127.0.0.1:5432/test",
    synchronous: "async",
    ndjson: false,
    randomTimes: false,
    tuning: false,
    deferred: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const flag = {
      "--ndjson": "ndjson",
      "--random-times": "randomTimes",
      "--sqlite-tuning": "tuning",
      "--deferred": "deferred",
    }[key];
    if (flag) {
      o[flag] = true;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    switch (key) {
      case "--dist":
        o.dist = path.resolve(value);
        break;
      case "--events":
      case "--batch":
      case "--features":
      case "--single":
        o[key.slice(2)] = Number(value);
        if (!Number.isInteger(o[key.slice(2)]) || o[key.slice(2)] < 0)
          throw new Error(`${key}: expected an integer`);
        break;
      case "--concurrency":
        o.concurrency = value.split(",").map(Number);
        break;
      case "--backend":
        o.backend = value;
        break;
      case "--pg":
        o.pg = value;
        break;
      case "--synchronous":
        o.synchronous = value;
        break;
      default:
        throw new Error(`unknown option ${key}`);
    }
  }
  return o;
}

const opts = parseArgs(process.argv.slice(2));
opts.totalEvents = opts.events * opts.concurrency.length + opts.single;
const load = (p) => import(pathToFileURL(path.join(opts.dist, p)).href);
const { openStore } = await load("store/index.js");
const { configureModel } = await load("monitor/models.js");
const { Ingestor } = await load("monitor/ingest.js");
const { DeferredProfiles } = await load("monitor/deferred-profiles.js");
const { jsonTextItems, ndjsonItems } = await load("monitor/request-items.js");
const { buildReferenceProfile, serializeDatasetProfile } = await load("sketch/index.js");

// Seeded generator (mulberry32) so every run sends the same events.
let seed = 42;
const rnd = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
const numeric = Math.ceil(opts.features * 0.7);
const featureNames = Array.from({ length: opts.features }, (_, i) =>
  i < numeric ? `num_${i}` : `cat_${i}`,
);
const schema = {
  features: Object.fromEntries(
    featureNames.map((n, i) => [n, i < numeric ? "numeric" : "categorical"]),
  ),
};

function features() {
  const f = {};
  for (let i = 0; i < featureNames.length; i++) {
    f[featureNames[i]] =
      i < numeric ? Math.round(rnd() * 1e6) / 1e3 : `c${Math.floor(rnd() * (5 + 10 * i))}`;
  }
  return f;
}

// Events as a live service sends them: random (UUID-like) ids and times that advance with
// a little jitter, within the current 5-minute window. --random-times spreads them at random
// over 4 minutes instead (every insert lands at a random place of the time index: slower).
const NOW = Date.UTC(2026, 0, 15, 12, 4, 59);
const START = NOW - 240_000;
let nextId = 0;
const hex = (bits) =>
  Math.floor(rnd() * 2 ** bits)
    .toString(16)
    .padStart(bits / 4, "0");
function event() {
  const n = nextId++;
  const id = `${hex(32)}-${hex(16)}-${hex(16)}-${hex(16)}-${hex(24)}${hex(24)}`;
  const t = opts.randomTimes
    ? START + Math.floor(rnd() * 240_000)
    : Math.min(
        NOW,
        START + Math.floor((n * 240_000) / opts.totalEvents) + Math.floor(rnd() * 1000),
      );
  return {
    id,
    timestamp: t,
    version: "1",
    features: features(),
    prediction: rnd() < 0.3 ? "1" : "0",
    scores: Math.round(rnd() * 1000) / 1000,
    latency_ms: Math.round(rnd() * 5000) / 100,
  };
}

function body(n) {
  const events = Array.from({ length: n }, event);
  return opts.ndjson ? events.map((e) => JSON.stringify(e)).join("\n") : JSON.stringify(events);
}

async function openBackend() {
  if (opts.backend === "postgres") {
    const schemaName = `vigil_bench_ingest_${process.pid}`;
    const store = await openStore(opts.pg, { schema: schemaName, poolSize: 4 });
    return {
      store,
      cleanup: async () => {
        await store.kysely.schema
          .dropSchema(schemaName)
          .ifExists()
          .cascade()
          .execute()
          .catch(() => {});
        await store.close();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "vigil-bench-ingest-"));
  const store = await openStore(path.join(dir, "vigil.db"), {
    sqliteSynchronous: opts.synchronous,
    sqliteBackgroundCheckpoints: opts.deferred,
  });
  if (opts.tuning) {
    const { sql } = await import("kysely");
    await sql`pragma cache_size = -65536`.execute(store.kysely);
    await sql`pragma wal_autocheckpoint = 10000`.execute(store.kysely);
  }
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function run(store, label, bodies, concurrency, deferred) {
  const ingestor = new Ingestor(store, deferred ? { deferred } : {});
  const latencies = [];
  let accepted = 0;
  let next = 0;
  const t0 = performance.now();
  async function worker() {
    while (next < bodies.length) {
      const text = bodies[next++];
      const start = performance.now();
      // What the route does with the raw body (src/server/routes/ingest.ts).
      const items = opts.ndjson ? ndjsonItems(text, false) : jsonTextItems(text, false);
      const out = await ingestor.ingest("bench", items, NOW);
      if (out.rejected.length > 0) throw new Error(`rejected: ${JSON.stringify(out.rejected[0])}`);
      accepted += out.accepted;
      latencies.push(performance.now() - start);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    run: label,
    concurrency,
    requests: bodies.length,
    events: accepted,
    eventsPerSecond: Math.round(accepted / seconds),
    requestsPerSecond: Math.round(bodies.length / seconds),
    p50ms: Number(quantile(latencies, 0.5).toFixed(2)),
    p99ms: Number(quantile(latencies, 0.99).toFixed(2)),
  };
}

const { store, cleanup } = await openBackend();
try {
  await configureModel(store, "bench", { task: "binary", schema, window: "5m" }, "bench");
  const model = await store.requireModel("bench");
  const version = await store.createVersion(model.id, { version: "1" });
  // A reference so windows count into bins, as in production.
  const refRows = 5000;
  const refCols = Object.fromEntries(featureNames.map((n) => [n, []]));
  for (let r = 0; r < refRows; r++) {
    const f = features();
    for (const n of featureNames) refCols[n].push(f[n]);
  }
  const columns = {
    ...schema.features,
    $prediction: "categorical",
    $score: "numeric",
    $latency_ms: "numeric",
    $error: "categorical",
    $unknown: "categorical",
  };
  const reference = buildReferenceProfile(columns, refCols, refRows);
  await store.putReferenceProfile(version.id, { data: serializeDatasetProfile(reference) });

  let deferred;
  if (opts.deferred) {
    deferred = new DeferredProfiles(store);
    await deferred.start();
  }
  const results = [];
  const cpu0 = process.cpuUsage();
  for (const c of opts.concurrency) {
    const n = Math.floor(opts.events / opts.batch);
    const bodies = Array.from({ length: n }, () => body(opts.batch));
    results.push(await run(store, `batch ${opts.batch}`, bodies, c, deferred));
  }
  if (opts.single > 0) {
    const bodies = Array.from({ length: opts.single }, () => body(1));
    results.push(await run(store, "single", bodies, 64, deferred));
  }
  const cpu = process.cpuUsage(cpu0);
  // Counted profiles are written before they are compared with the stored events.
  await deferred?.close();
  const stored = await store.countEvents(model.id);
  const windows = await store.listWindowProfiles(model.id);
  const counted = windows.reduce((s, w) => s + w.eventCount, 0);
  console.log(
    `backend=${opts.backend}${opts.backend === "sqlite" ? ` synchronous=${opts.synchronous}${opts.deferred ? " deferred" : ""}` : ""} features=${opts.features} body=${opts.ndjson ? "ndjson" : "json"} times=${opts.randomTimes ? "random" : "advancing"}${opts.tuning ? " sqlite-tuning" : ""} node=${process.version} cpus=${os.cpus().length} load=${os.loadavg()[0].toFixed(2)}`,
  );
  console.table(results);
  const accepted = results.reduce((s, r) => s + r.events, 0);
  console.log(
    `stored events ${stored}, accepted ${accepted}, counted in window profiles ${counted}; process CPU (all threads, body generation included) ${((cpu.user + cpu.system) / accepted).toFixed(1)} us per event`,
  );
  if (stored !== accepted || counted !== accepted) {
    console.error("MISMATCH between accepted, stored and profiled events");
    process.exitCode = 1;
  }
} finally {
  await cleanup();
}
