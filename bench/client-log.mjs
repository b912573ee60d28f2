#!/usr/bin/env node
// Client benchmark: what `log()` of `mlvigil/client` costs on the caller's thread
// (issue 5 section 8: <= 5 µs per call), against a baseline measured in the same run: an
// array push of the same event.
//
// Usage: node bench/client-log.mjs [--calls 1000000] [--chunk 5000] [--features 20]
//                                  [--runs 5] [--dist dist] [--no-http]
//
// Needs the compiled client: `npm run build` (`npm run bench:client` builds first).
//
// The calls are made in chunks (default 5000) with a turn of the event loop between chunks,
// as an application logs between I/O callbacks; only the synchronous chunks are timed. That
// is the number the target applies to. Two amortized figures follow: the whole client cost
// per event on this thread (log() plus the batching, JSON serialization and sending that
// happen later on the same thread), first with a fetch that answers at once (client work
// only), then with real HTTP to a sink server in a second process (adds undici's work).
// Each figure is the median of --runs runs; the first run of each is a discarded warm-up.
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const TARGET_US = 5;

function parseArgs(argv) {
  const opts = {
    calls: 1_000_000,
    chunk: 5000,
    features: 20,
    runs: 5,
    dist: path.join(ROOT, "dist"),
    http: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === "--no-http") {
      opts.http = false;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`missing value for ${key}`);
    switch (key) {
      case "--calls":
      case "--chunk":
      case "--features":
      case "--runs": {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 1) throw new Error(`${key}: expected an integer >= 1`);
        opts[key.slice(2)] = n;
        break;
      }
      case "--dist":
        opts.dist = path.resolve(value);
        break;
      default:
        throw new Error(`unknown option ${key}`);
    }
  }
  return opts;
}

/** A pool of realistic events (20 features, 3 of 4 numeric), reused round-robin. */
function makePool(features) {
  const pool = [];
  for (let i = 0; i < 1024; i++) {
    const f = {};
    for (let j = 0; j < features; j++) {
      f[`f${j}`] = j % 4 === 3 ? `cat${(i * 7 + j) % 13}` : Math.sin(i * 0.37 + j) * 100;
    }
    pool.push({
      version: "1",
      features: f,
      prediction: i % 2,
      scores: [0.3, 0.7],
      latency_ms: 4.2,
    });
  }
  return pool;
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Times `fn(event)` over `calls` calls in chunks; returns ns per call (timed chunks only). */
async function timeCalls(fn, pool, opts) {
  let ns = 0n;
  let done = 0;
  const mask = pool.length - 1;
  while (done < opts.calls) {
    const n = Math.min(opts.chunk, opts.calls - done);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn(pool[(done + i) & mask]);
    ns += process.hrtime.bigint() - t0;
    done += n;
    await turn();
  }
  return Number(ns) / opts.calls;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `once()` (returns ns/call) opts.runs + 1 times, drops the warm-up, returns the median. */
async function measure(once, opts) {
  const xs = [];
  for (let r = 0; r <= opts.runs; r++) {
    const x = await once();
    if (r > 0) xs.push(x);
  }
  return median(xs);
}

/** A sink in a second process that answers every POST like the ingest route's success body. */
function startSink() {
  const code = `
    const http = require("node:http");
    const s = http.createServer((req, res) => {
      let n = 0;
      req.on("data", (c) => { n += c.length; });
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"accepted":0,"duplicates":0,"rejected":[]}');
      });
    });
    s.keepAliveTimeout = 60000;
    s.listen(0, "127.0.0.1", () => process.stdout.write(String(s.address().port) + "\\n"));
  `;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.once("data", (d) =>
      resolve({ url: `http://127.0.0.1:${String(d).trim()}`, stop: () => child.kill() }),
    );
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const entry = path.join(opts.dist, "client", "index.js");
  let createClient;
  try {
    ({ createClient } = await import(pathToFileURL(entry).href));
  } catch (err) {
    console.error(`cannot load ${entry} (run \`npm run build\` first): ${err.message}`);
    process.exit(2);
  }
  const pool = makePool(opts.features);
  const instant = async () =>
    new Response('{"accepted":0,"duplicates":0,"rejected":[]}', { status: 200 });
  const clientOpts = {
    url: "http://127.0.0.1:9",
    model: "bench",
    handleExit: false,
    // Large enough that nothing is dropped between two turns of the loop.
    maxBufferEvents: opts.calls + opts.chunk,
  };

  // Baseline, measured in the same way (same chunks, same pool). An empty function call
  // is no baseline: the JIT inlines it away.
  const sink = [];
  const basePush = await measure(async () => {
    sink.length = 0;
    return timeCalls((e) => sink.push(e), pool, opts);
  }, opts);
  sink.length = 0;

  /** log() on a fresh client; returns {call, amortized} in ns per event. */
  // Events that already carry id and timestamp (the client then does not copy them).
  const poolWithIds = pool.map((e, i) => ({ ...e, id: `evt-${i}`, timestamp: 1_700_000_000_000 }));

  /** log() on a fresh client; returns {call, total} in ns per event. */
  async function logRun(fetchFn, url, events) {
    const c = createClient({ ...clientOpts, url, fetch: fetchFn });
    const t0 = process.hrtime.bigint();
    const call = await timeCalls((e) => c.log(e), events, opts);
    const s = await c.flush();
    const total = Number(process.hrtime.bigint() - t0) / opts.calls;
    await c.close();
    if (s.dropped !== 0 || s.sent !== opts.calls) {
      throw new Error(`client lost events: ${JSON.stringify(s)}`);
    }
    return { call, total };
  }

  async function measureLog(fetchFn, url, events) {
    const calls = [];
    const totals = [];
    for (let r = 0; r <= opts.runs; r++) {
      const x = await logRun(fetchFn, url, events);
      if (r > 0) {
        calls.push(x.call);
        totals.push(x.total);
      }
    }
    return { call: median(calls), total: median(totals) };
  }

  const generated = await measureLog(instant, clientOpts.url, pool);
  const given = await measureLog(instant, clientOpts.url, poolWithIds);
  let http;
  if (opts.http) {
    const server = await startSink();
    try {
      http = await measureLog(undefined, server.url, pool);
    } finally {
      server.stop();
    }
  }

  const us = (ns) => (ns / 1000).toFixed(3);
  const ratio = (ns) => `${(ns / basePush).toFixed(1)}x`;
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  console.log(
    `client log() benchmark: ${opts.calls} calls in chunks of ${opts.chunk}, ${opts.features} features, median of ${opts.runs} runs`,
  );
  console.log(
    `node ${process.version}, ${os.cpus().length} x ${cpu}, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  console.log("");
  console.log("| what | µs per call | ratio to array push |");
  console.log("|---|---:|---:|");
  console.log(`| baseline: array push | ${us(basePush)} | 1x |`);
  console.log(
    `| log(), id and timestamp generated | ${us(generated.call)} | ${ratio(generated.call)} |`,
  );
  console.log(`| log(), id and timestamp given | ${us(given.call)} | ${ratio(given.call)} |`);
  console.log(
    `| amortized: log() + batching + JSON + fetch answered at once | ${us(generated.total)} | ${ratio(generated.total)} |`,
  );
  if (http) {
    console.log(
      `| log() over real HTTP (sink in another process) | ${us(http.call)} | ${ratio(http.call)} |`,
    );
    console.log(
      `| amortized: log() + batching + JSON + real HTTP | ${us(http.total)} | ${ratio(http.total)} |`,
    );
  }
  console.log("");
  const worst = Math.max(generated.call, http ? http.call : 0);
  const pass = worst / 1000 <= TARGET_US;
  console.log(
    `${pass ? "PASS" : "FAIL"}: log() costs ${us(worst)} µs per call on the caller's thread (target <= ${TARGET_US} µs)`,
  );
  process.exitCode = pass ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
