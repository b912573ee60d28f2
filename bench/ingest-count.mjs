#!/usr/bin/env node
// Profile-worker micro-benchmark: the CPU the worker thread of `vigil serve` spends per event
// of large requests (src/monitor/window-counter.ts): `check` (JSON.parse of each event's text
// and checkEvent) and `count` (the parsed events counted into a window profile: the
// sketches). Same events and model as `npm run bench:ingest` (20 features, 15 numeric and 5
// categorical, binary task, 500 events per request), in-process, no HTTP and no store.
//
// Usage: node bench/ingest-count.mjs [--dist dist] [--old DIR] [--events 200000] [--runs 5]
//          [--batch 500] [--features 20] [--lag 4] [--worker [--young-mb MB]]
//
// --old DIR: another build's dist/ (e.g. a copy made before a change); both builds run
// alternately in this process and the profile bytes they end with must be equal.
// --lag N: requests checked before the first one is counted (the worker holds the parsed
// events of checked requests until their commit is counted, which is what its GC copies).
// Prints µs per event of check and count per run (CPU time of this process, which runs
// single-threaded here), the minimum and median per build and, with --old, new/old ratios.
// --worker: through the real worker thread instead (runWorker); --young-mb sets its
// maxYoungGenerationSizeMb (default V8's).
import { readFileSync } from "node:fs";
import path from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { eventTails, featureSchema } from "./ingest-events.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

function parseArgs(argv) {
  const o = {
    dist: path.join(ROOT, "dist"),
    old: null,
    events: 200_000,
    runs: 5,
    batch: 500,
    features: 20,
    lag: 4,
    worker: false,
    youngMb: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    if (key === "--worker") {
      o.worker = true;
      continue;
    }
    const next = argv[++i];
    if (next === undefined) throw new Error(`missing value for ${key}`);
    if (key === "--dist") o.dist = path.resolve(next);
    else if (key === "--old") o.old = path.resolve(next);
    else if (["--events", "--runs", "--batch", "--features", "--lag", "--young-mb"].includes(key)) {
      const n = Number(next);
      if (!Number.isInteger(n) || n < (key === "--lag" || key === "--young-mb" ? 0 : 1))
        throw new Error(`${key}: expected a whole number`);
      o[key === "--young-mb" ? "youngMb" : key.slice(2)] = n;
    } else throw new Error(`unknown option ${key}`);
  }
  return o;
}

/** Each request's item texts, as the ingest thread splits them off the body. */
function requests(opts, now) {
  const tails = eventTails(Math.max(opts.batch, 64), opts.features);
  const out = [];
  for (let r = 0; r * opts.batch < opts.events; r++) {
    const texts = new Array(opts.batch);
    for (let i = 0; i < opts.batch; i++)
      texts[i] = `{"id":"bench-${r}-${i}","timestamp":${now},${tails[i]}`;
    // Flat strings, as they arrive in the worker (structured clone), not concatenations.
    out.push(structuredClone(texts));
  }
  return out;
}

async function load(dist) {
  const imp = (p) => import(pathToFileURL(path.join(dist, p)).href);
  const [counter, profile, layout, settings, sketch] = await Promise.all([
    imp("monitor/window-counter.js"),
    imp("monitor/window-profile.js"),
    imp("monitor/layout.js"),
    imp("monitor/settings.js"),
    imp("sketch/index.js"),
  ]);
  return { dist, ...counter, ...profile, ...layout, ...settings, ...sketch };
}

/** One pass over every request as the worker does it; CPU µs of check and count. */
function run(m, opts, reqs, now) {
  const schema = { features: featureSchema(opts.features) };
  const rules = {
    task: "binary",
    positiveClass: "1",
    schema,
    settings: { ingest: { ...m.DEFAULT_INGEST_SETTINGS } },
  };
  const columns = m.profileColumns("binary", schema);
  const empty = m.newWindowProfile(columns, {});
  const key = { modelId: 1, versionId: 1, windowStart: 0 };
  const counter = new m.WindowCounter();
  let checkUs = 0;
  let countUs = 0;
  let seq = 0;
  const countRequest = (r) => {
    const n = reqs[r].length;
    const t2 = process.cpuUsage();
    // In pieces of 256 events, as profile-worker.ts counts them.
    for (let i = 0; i < n; i += 256) {
      const events = [];
      for (let j = i; j < Math.min(i + 256, n); j++) events.push(r * m.TICKET_SPAN + j);
      seq += events.length;
      const batch = { key, task: "binary", positiveClass: "1", events, lastSeq: seq };
      if (r === 0 && i === 0) {
        batch.base = {
          bytes: m.serializeDatasetProfile(empty),
          storedSeq: null,
          sinceSeq: 0,
          sinceCount: 0,
          countedSeq: 0,
          eventCount: 0,
        };
      }
      counter.count(batch);
    }
    counter.handle({ type: "release", tickets: [r] });
    const t3 = process.cpuUsage(t2);
    countUs += t3.user + t3.system;
  };
  for (let r = 0; r < reqs.length; r++) {
    const t0 = process.cpuUsage();
    const res = counter.check({ id: r, rules, now, texts: reqs[r], lines: null });
    const t1 = process.cpuUsage(t0);
    if (res.rejections.length > 0) throw new Error(`rejected: ${res.rejections[0].reason}`);
    checkUs += t1.user + t1.system;
    if (r >= opts.lag) countRequest(r - opts.lag);
  }
  for (let r = Math.max(0, reqs.length - opts.lag); r < reqs.length; r++) countRequest(r);
  const [flushed] = counter.flush();
  return { check: checkUs / seq, count: countUs / seq, events: seq, bytes: flushed.bytes };
}

/** CPU seconds of this thread (Linux), to tell the worker's CPU from the process total. */
function threadCpu() {
  const f = readFileSync("/proc/thread-self/stat", "utf8");
  const fields = f.slice(f.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * The same requests through the real profile worker (dist/monitor/profile-worker.js), as the
 * ingest thread drives it: a check message per request (the texts cross by structured clone),
 * then its count and release once "committed", at most `lag` requests checked and not yet
 * counted. CPU µs per event of everything but this thread (the worker and V8's helper threads),
 * after a warm-up of 20 requests.
 */
function runWorker(m, opts, reqs, now) {
  const schema = { features: featureSchema(opts.features) };
  const rules = {
    task: "binary",
    positiveClass: "1",
    schema,
    settings: { ingest: { ...m.DEFAULT_INGEST_SETTINGS } },
  };
  const empty = m.newWindowProfile(m.profileColumns("binary", schema), {});
  const key = { modelId: 1, versionId: 1, windowStart: 0 };
  const limits =
    opts.youngMb > 0 ? { resourceLimits: { maxYoungGenerationSizeMb: opts.youngMb } } : {};
  const worker = new Worker(path.join(m.dist, "monitor", "profile-worker.js"), limits);
  const total = reqs.length * opts.batch;
  return new Promise((resolve, reject) => {
    // Measured from when the first `warm` requests are counted (a new worker starts cold).
    const warm = Math.min(20, Math.floor(reqs.length / 5)) * opts.batch;
    let cpu0 = null;
    let main0 = 0;
    let from = 0;
    let sent = 0;
    let counted = 0;
    let seq = 0;
    const send = () => {
      while (sent < reqs.length && sent - Math.floor(counted / opts.batch) < opts.lag) {
        const texts = reqs[sent];
        worker.postMessage({ type: "check", id: sent, rules, now, texts, lines: null });
        sent++;
      }
    };
    worker.on("error", reject);
    worker.on("message", (msg) => {
      if (msg.type === "failed") reject(new Error(msg.message));
      else if (msg.type === "checked") {
        const r = msg.id;
        if (msg.results.rejections.length > 0) reject(new Error("rejected"));
        const events = reqs[r].map((_, i) => r * m.TICKET_SPAN + i);
        seq += events.length;
        const batch = { key, task: "binary", positiveClass: "1", events, lastSeq: seq };
        if (r === 0) {
          const base = {
            storedSeq: null,
            sinceSeq: 0,
            sinceCount: 0,
            countedSeq: 0,
            eventCount: 0,
          };
          batch.base = { bytes: m.serializeDatasetProfile(empty), ...base };
        }
        worker.postMessage({ type: "count", batches: [batch], release: [r] });
      } else if (msg.type === "progress") {
        counted = msg.counted;
        if (cpu0 === null && counted >= warm) {
          cpu0 = process.cpuUsage();
          main0 = threadCpu();
          from = counted;
        }
        if (counted === total) worker.postMessage({ type: "flush", id: 0 });
        else send();
      } else if (msg.type === "flushed") {
        const cpu = process.cpuUsage(cpu0);
        const other = (cpu.user + cpu.system) / 1e6 - (threadCpu() - main0);
        worker.terminate();
        resolve({ cpu: (other * 1e6) / (total - from), bytes: msg.windows[0].bytes });
      }
    });
    send();
  });
}

/** Garbage-collection pauses of this thread, ms (wall time), summed. */
let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ["gc"] });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const builds = [await load(opts.dist)];
  if (opts.old) builds.unshift(await load(opts.old));
  const names = opts.old ? ["old", "new"] : ["dist"];
  const now = Date.now();
  const reqs = requests(opts, now);
  const results = builds.map(() => ({ check: [], count: [], gc: [], bytes: null }));
  if (opts.worker) {
    await workerMain(opts, builds, names, reqs, now);
    return;
  }
  // A warm-up pass each (JIT), then alternating runs.
  for (const m of builds) run(m, opts, reqs.slice(0, 20), now);
  for (let k = 0; k < opts.runs; k++) {
    for (let b = 0; b < builds.length; b++) {
      const gc0 = gcMs;
      const r = run(builds[b], opts, reqs, now);
      // GC entries reach the observer on the next turns of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 10));
      results[b].check.push(r.check);
      results[b].count.push(r.count);
      results[b].gc.push(((gcMs - gc0) * 1000) / r.events);
      results[b].bytes = r.bytes;
      console.log(
        `run ${k + 1} ${names[b]}: check ${r.check.toFixed(2)} µs/event, count ${r.count.toFixed(2)} µs/event, GC pauses ${results[b].gc.at(-1).toFixed(2)} µs/event`,
      );
    }
  }
  const events = reqs.length * opts.batch;
  // The minimum is the run least disturbed by other processes; the median is shown too.
  const min = (xs) => Math.min(...xs);
  console.log(`\n${events} events, ${opts.runs} runs; µs/event (CPU), min (median):`);
  const show = (xs) => `${min(xs).toFixed(2)} (${median(xs).toFixed(2)})`;
  results.forEach((r, b) => {
    const total = r.check.map((c, k) => c + r.count[k]);
    console.log(
      `  ${names[b]}: check ${show(r.check)}, count ${show(r.count)}, total ${show(total)}; GC pauses ${show(r.gc)}`,
    );
  });
  if (opts.old) {
    const [o, n] = results;
    const ratio = (a, b) =>
      `${(min(b) / min(a)).toFixed(3)} (${(median(b) / median(a)).toFixed(3)})`;
    const tot = (r) => r.check.map((c, k) => c + r.count[k]);
    console.log(
      `  new/old: check ${ratio(o.check, n.check)}, count ${ratio(o.count, n.count)}, total ${ratio(tot(o), tot(n))}`,
    );
    const same = Buffer.from(o.bytes).equals(Buffer.from(n.bytes));
    console.log(`  profile bytes identical: ${same ? "yes" : "NO"}`);
    if (!same) process.exitCode = 1;
  }
}

async function workerMain(opts, builds, names, reqs, now) {
  const cpu = builds.map(() => []);
  const bytes = [];
  for (let k = 0; k < opts.runs; k++) {
    for (let b = 0; b < builds.length; b++) {
      const r = await runWorker(builds[b], opts, reqs, now);
      cpu[b].push(r.cpu);
      bytes[b] = r.bytes;
      console.log(`run ${k + 1} ${names[b]}: worker ${r.cpu.toFixed(2)} µs/event`);
    }
  }
  const young = opts.youngMb > 0 ? `${opts.youngMb} MB` : "V8's default";
  console.log(
    `\n${reqs.length * opts.batch} events through the worker (young generation ${young}, lag ${opts.lag}), ${opts.runs} runs; CPU µs/event, min (median):`,
  );
  const min = (xs) => Math.min(...xs);
  cpu.forEach((xs, b) => {
    console.log(`  ${names[b]}: ${min(xs).toFixed(2)} (${median(xs).toFixed(2)})`);
  });
  if (builds.length === 2) {
    console.log(
      `  new/old: ${(min(cpu[1]) / min(cpu[0])).toFixed(3)} (${(median(cpu[1]) / median(cpu[0])).toFixed(3)})`,
    );
    const same = Buffer.from(bytes[0]).equals(Buffer.from(bytes[1]));
    console.log(`  profile bytes identical: ${same ? "yes" : "NO"}`);
    if (!same) process.exitCode = 1;
  }
}

await main();
