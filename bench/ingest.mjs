#!/usr/bin/env node
// Ingest benchmark (issue 5 section 8): `vigil serve` as its own process on a temp SQLite
// database (and with --pg on PostgreSQL, in a fresh schema), loaded from this process with
// autocannon over loopback. A model with 20 features (15 numeric, 5 categorical); every
// request carries fresh event ids.
//
//   batched: 500 events per request, closed loop (each connection sends its next request
//            when the last is answered) -> the most events/s, and p50/p99 at that load
//   rated:   500 events per request, open loop at a fixed offered rate (--rate, 50,000
//            events/s): a request leaves every 1/rate s whatever the server does, and its
//            latency counts from when it was due (no coordinated omission) -> whether the
//            rate is sustained and the p99 latency at that rate
//   single-rated: 1 event per request, open loop at --single-rate (5,000 requests/s) on up
//            to 64 connections, latency from when each request was due -> whether that
//            rate is sustained and the p99 latency at that rate
//   single:  1 event per request, closed loop -> the most requests/s (and p99 at saturation)
//   baseline: the same two loads against a bare Fastify route in a process of the same kind
//             (node, Fastify's JSON parser, same payload, a fixed answer) -> our ratio to it
//   afterwards: the stored count (read from the store once the server drained and exited)
//             must equal the acknowledged count exactly. Requests cut off by the end of the
//             run (sent, never answered) are looked up one by one: each is stored whole or
//             not at all, and is reported separately.
//
// Usage: npm run bench:ingest -- [--duration 60] [--connections 8] [--single-connections 64]
//          [--rate 50000] [--rate-connections 16] [--single-rate 5000]
//          [--single-rate-connections 64] [--warmup 5] [--batch 500] [--features 20] [--window S] [--grace S] [--pg [URL]]
//          [--phases rated,batched,single-rated,single] [--no-baseline] [--skip-build] [--json FILE]
//          [--profile DIR] [--vigil PATH]
//
// `--duration 10` for a quick run. Targets (PASS/FAIL lines): batched on SQLite >= 50,000
// events/s at saturation, and 50,000 events/s offered sustained with p99 <= 100 ms; single
// >= 5,000 requests/s at saturation, and 5,000 requests/s offered sustained with p99 <= 20
// ms; stored == acknowledged. Exit status 0 when every
// target is met, 1 when one is missed, 2 on errors.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { eventTails, featureSchema } from "./ingest-events.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");
const require = createRequire(path.join(ROOT, "package.json"));

const TARGETS = {
  batchedEventsPerSec: 50_000,
  batchedP99Ms: 100,
  singleRequestsPerSec: 5_000,
  singleP99Ms: 20,
};

const PHASES = ["rated", "batched", "single-rated", "single"];

function parseArgs(argv) {
  const opts = {
    duration: 60,
    connections: 8,
    // Enough requests in flight to cover a group commit and its WAL sync: 16 left the
    // server idle part of the time (bench/README.md).
    singleConnections: 64,
    batch: 500,
    features: 20,
    // The model's window and grace (seconds); undefined: the server's defaults (5 min, 60 s).
    window: undefined,
    grace: undefined,
    pg: undefined,
    // The rated phase first, on a fresh database: "50,000 events/s sustained for 60 s" from
    // the start, not after the saturation phase has written some GB (bench/README.md).
    phases: ["rated", "batched", "single-rated", "single"],
    rate: 50_000,
    rateConnections: 16,
    singleRate: 5_000,
    // Open loop: seconds at the offered rate before the measured part (a cold server's JIT
    // and first window leave a backlog that would otherwise count as the steady state's p99).
    warmup: 5,
    singleRateConnections: 64,
    baseline: true,
    build: true,
    json: undefined,
    profile: undefined,
    // Another build's entry point (a copy of bin/ + dist/), to compare two builds.
    vigil: path.join(ROOT, "bin", "vigil.js"),
  };
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const next = argv[i + 1];
    const value = () => {
      if (next === undefined) throw new Error(`missing value for ${key}`);
      i++;
      return next;
    };
    const int = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) throw new Error(`${key}: expected an integer >= 1`);
      return n;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 0) throw new Error(`${key}: expected an integer >= 0`);
      return n;
    };
    switch (key) {
      case "--duration":
        opts.duration = int();
        break;
      case "--connections":
        opts.connections = int();
        break;
      case "--single-connections":
        opts.singleConnections = int();
        break;
      case "--rate":
        opts.rate = int();
        break;
      case "--rate-connections":
        opts.rateConnections = int();
        break;
      case "--warmup":
        opts.warmup = count();
        break;
      case "--single-rate":
        opts.singleRate = int();
        break;
      case "--single-rate-connections":
        opts.singleRateConnections = int();
        break;
      case "--batch":
        opts.batch = int();
        break;
      case "--features":
        opts.features = int();
        break;
      case "--window":
        opts.window = int();
        break;
      case "--grace":
        opts.grace = count();
        break;
      case "--pg":
        if (next !== undefined && /^postgres(ql)?:\/\//.test(next)) {
          opts.pg = next;
          i++;
        } else opts.pg = process.env.VIGIL_TEST_PG_URL || "postgres://127.0.0.1:5432/test";
        break;
      case "--phases":
        opts.phases = value().split(",");
        for (const p of opts.phases) {
          if (!PHASES.includes(p)) {
            throw new Error(`--phases: unknown phase ${p}`);
          }
        }
        break;
      case "--no-baseline":
        opts.baseline = false;
        break;
      case "--skip-build":
        opts.build = false;
        break;
      case "--json":
        opts.json = path.resolve(value());
        break;
      case "--profile":
        opts.profile = path.resolve(value());
        break;
      case "--vigil":
        opts.vigil = path.resolve(value());
        opts.build = false;
        break;
      default:
        throw new Error(`unknown option ${key}`);
    }
  }
  return opts;
}

const log = (msg) => process.stderr.write(`${msg}\n`);

function build(opts) {
  const main = path.join(ROOT, "dist", "cli", "main.js");
  if (!opts.build) {
    if (!existsSync(main))
      throw new Error("dist/ is missing: run `npm run build` or drop --skip-build");
    return;
  }
  log("building (npm run build) ...");
  const r = spawnSync("npm", ["run", "build", "--silent"], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (r.status !== 0) {
    if (!existsSync(main)) throw new Error("npm run build failed and produced no dist/");
    log("warning: npm run build reported errors; running the JavaScript it emitted");
  }
}

// ---------------------------------------------------------------------------------------
// Payloads (bench/ingest-events.mjs)

/**
 * Request bodies with `n` fresh events each (ids `<tag>-<request>-<i>`, the current time),
 * registered in the tracker as sent; `answer` records a response.
 */
function requestMaker(tag, n, features, tracker) {
  const tails = eventTails(Math.max(n, 64), features);
  let reqNo = 0;
  return {
    next() {
      const r = reqNo++;
      const now = Date.now();
      const prefix = `${tag}-${r}-`;
      let body;
      if (n === 1) {
        body = `{"id":"${prefix}0","timestamp":${now},${tails[r % tails.length]}`;
      } else {
        const parts = new Array(n);
        for (let i = 0; i < n; i++)
          parts[i] = `{"id":"${prefix}${i}","timestamp":${now},${tails[i]}`;
        body = `[${parts.join(",")}]`;
      }
      tracker.sent.set(r, prefix);
      return { r, body };
    },
    answer(r, status, body) {
      if (status >= 200 && status < 300) {
        tracker.sent.delete(r);
        tracker.ok++;
        try {
          const o = JSON.parse(body);
          tracker.accepted += o.accepted;
          tracker.duplicates += o.duplicates;
          tracker.rejected += Array.isArray(o.rejected) ? o.rejected.length : 0;
        } catch {
          tracker.unreadable++;
        }
      } else {
        tracker.statuses[status] = (tracker.statuses[status] ?? 0) + 1;
        if (tracker.firstError === undefined)
          tracker.firstError = `${status} ${String(body).slice(0, 300)}`;
        // A refused request stored nothing; it is still looked up afterwards, with the cut-off ones.
      }
    },
  };
}

/** autocannon request definition that sends `n` fresh events per request and records answers. */
function loadDefinition(tag, n, features, tracker) {
  const maker = requestMaker(tag, n, features, tracker);
  return {
    method: "POST",
    setupRequest(req, context) {
      const { r, body } = maker.next();
      context.req = r;
      return { ...req, body };
    },
    onResponse(status, body, context) {
      maker.answer(context.req, status, body);
    },
  };
}

/**
 * Open-loop load: a request is due every 1/rps seconds for `seconds`, sent on one of
 * `connections` keep-alive sockets as soon as one is free (queued meanwhile), and its
 * latency runs from when it was due, so a slow server shows as latency instead of as fewer
 * requests (no coordinated omission). Plain sockets, the request written out as text and a
 * minimal response reader: node:http's client took about 150 µs of CPU per request, which
 * at 5,000 requests/s used most of a core and queued requests inside the load generator.
 * Waits for every answer (timeout 30 s per request).
 */
async function openLoop({ url, path: p, headers, rps, seconds, warmup, connections, maker }) {
  const u = new URL(url);
  const fixedHead = `POST ${p} HTTP/1.1\r\nhost: ${u.host}\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}`;
  const latencies = [];
  let errors = 0;
  let timeouts = 0;
  const started = performance.now();
  const total = Math.round(rps * (warmup + seconds));
  // Requests due before this are the warm-up: sent and counted, their latency not recorded.
  const measuredFrom = started + warmup * 1000;
  let made = 0;
  let finished = 0;
  let closing = false;
  const waiting = []; // due and not sent yet: { r, body, due, sentAt }
  const free = [];
  const conns = new Set();
  let allAnswered;
  const done = new Promise((resolve) => {
    allAnswered = resolve;
  });
  const settle = () => {
    if (++finished === total) allAnswered();
  };

  const dispatch = (c) => {
    const next = waiting.shift();
    if (next === undefined) {
      free.push(c);
      return;
    }
    c.current = next;
    next.sentAt = performance.now();
    // The body is ASCII: latin1 is a plain copy, where writing the joined string encoded
    // 190 KB of UTF-8 after measuring it (a tenth of this process' CPU in the rated phase).
    const body = Buffer.from(next.body, "latin1");
    c.sock.cork();
    c.sock.write(`${fixedHead}content-length: ${body.length}\r\n\r\n`, "latin1");
    c.sock.write(body);
    c.sock.uncork();
  };
  const read = (c) => {
    while (c.buf !== null && c.current !== null) {
      const buf = c.buf;
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const header = buf.toString("latin1", 0, end);
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(header)?.[1] ?? Number.NaN);
      if (!Number.isFinite(length)) {
        c.sock.destroy(new Error(`an answer without content-length: ${header.slice(0, 60)}`));
        return;
      }
      const bodyEnd = end + 4 + length;
      if (buf.length < bodyEnd) return;
      const answered = c.current;
      c.current = null;
      c.buf = buf.length > bodyEnd ? buf.subarray(bodyEnd) : null;
      if (answered.due >= measuredFrom) latencies.push(performance.now() - answered.due);
      maker.answer(answered.r, Number(header.slice(9, 12)), buf.toString("utf8", end + 4, bodyEnd));
      settle();
      dispatch(c);
    }
  };
  const connect = () => {
    const c = { sock: net.connect(Number(u.port), u.hostname), current: null, buf: null };
    conns.add(c);
    c.sock.setNoDelay(true);
    c.sock.on("connect", () => dispatch(c));
    c.sock.on("data", (chunk) => {
      c.buf = c.buf === null ? chunk : Buffer.concat([c.buf, chunk]);
      read(c);
    });
    const lost = () => {
      if (!conns.delete(c)) return;
      const at = free.indexOf(c);
      if (at >= 0) free.splice(at, 1);
      if (c.current !== null) {
        // Sent, never answered: it stays in the tracker as cut off.
        if (c.timedOut) timeouts++;
        else errors++;
        settle();
      }
      if (!closing) setTimeout(connect, 10);
    };
    c.sock.on("error", lost);
    c.sock.on("close", lost);
  };
  for (let i = 0; i < connections; i++) connect();

  // At each due time (at most every millisecond): the requests that came due since the
  // last tick, each with its time. A timer per due time, not a 1 ms interval: at 100
  // requests/s the interval woke this process ten times per request.
  const onTick = () => {
    const upTo = Math.min(total, Math.floor(((performance.now() - started) * rps) / 1000) + 1);
    for (; made < upTo; made++) {
      const { r, body } = maker.next();
      waiting.push({ r, body, due: started + (made * 1000) / rps, sentAt: 0 });
    }
    while (free.length > 0 && waiting.length > 0) dispatch(free.pop());
    if (made < total) {
      const nextDue = started + (made * 1000) / rps;
      setTimeout(onTick, Math.max(1, Math.floor(nextDue - performance.now())));
    }
  };
  setTimeout(onTick, 0);
  const watchdog = setInterval(() => {
    const now = performance.now();
    for (const c of conns) {
      if (c.current !== null && now - c.current.sentAt > 30_000) {
        c.timedOut = true;
        c.sock.destroy();
      }
    }
  }, 1000);
  await done;
  closing = true;
  clearInterval(watchdog);
  // Until the last answer: a server that falls behind takes longer than the offered time.
  const servedIn = (performance.now() - started) / 1000;
  for (const c of conns) c.sock.destroy();
  latencies.sort((a, b) => a - b);
  const q = (x) =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * x))] ?? 0);
  return {
    seconds: servedIn,
    errors,
    timeouts,
    latency: { p50: q(0.5), p90: q(0.9), p99: q(0.99), max: Math.round(latencies.at(-1) ?? 0) },
  };
}

function newTracker() {
  return {
    sent: new Map(),
    ok: 0,
    accepted: 0,
    duplicates: 0,
    rejected: 0,
    unreadable: 0,
    statuses: {},
    firstError: undefined,
  };
}

/** CPU time (ms, user + system) a process has used so far, from /proc; undefined elsewhere. */
function procCpuMs(pid) {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) start at ")" + 2; utime and
    // stime are fields 14 and 15, in clock ticks (USER_HZ, 100 on Linux).
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

async function runLoad(url, token, model, tag, n, connections, opts, serverPid, rps) {
  const autocannon = require("autocannon");
  const tracker = newTracker();
  const cpu0 = process.cpuUsage();
  const server0 = procCpuMs(serverPid);
  const wall0 = performance.now();
  const headers = { "content-type": "application/json", authorization: `Bearer ${token}` };
  const path = `/api/v1/models/${model}/predictions`;
  const result =
    rps === undefined
      ? await autocannon({
          url: url + path,
          connections,
          pipelining: 1,
          duration: opts.duration,
          timeout: 30,
          headers,
          requests: [loadDefinition(tag, n, opts.features, tracker)],
        })
      : await openLoop({
          url,
          path,
          headers,
          rps,
          seconds: opts.duration,
          warmup: opts.warmup,
          connections,
          maker: requestMaker(tag, n, opts.features, tracker),
        });
  const seconds = result.duration ?? result.seconds;
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);
  const server1 = procCpuMs(serverPid);
  return {
    // The machine's 1-minute load average when the phase ended (this run adds about 2).
    load1: os.loadavg()[0],
    // Share of one core over the phase: the load generator (this process) and the server.
    cpu: {
      loadGenerator: (cpu.user + cpu.system) / 1000 / wallMs,
      server: server0 === undefined || server1 === undefined ? null : (server1 - server0) / wallMs,
    },
    tag,
    eventsPerRequest: n,
    connections,
    // Open loop: the requests per second offered (undefined: closed loop).
    offered: rps,
    seconds,
    requests2xx: tracker.ok,
    requestsPerSec: tracker.ok / seconds,
    eventsAcked: tracker.accepted + tracker.duplicates,
    eventsPerSec: (tracker.accepted + tracker.duplicates) / seconds,
    accepted: tracker.accepted,
    duplicates: tracker.duplicates,
    rejected: tracker.rejected,
    unreadable: tracker.unreadable,
    non2xx: tracker.statuses,
    firstError: tracker.firstError,
    errors: result.errors,
    timeouts: result.timeouts,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    unanswered: [...tracker.sent.values()],
  };
}

// ---------------------------------------------------------------------------------------
// Processes

function startVigil(db, cwd, opts) {
  const env = { ...process.env };
  delete env.VIGIL_DATABASE_URL;
  // --profile: a V8 CPU profile of the server, written when it exits (after SIGTERM).
  const nodeArgs = opts.profile ? ["--cpu-prof", "--cpu-prof-dir", opts.profile] : [];
  const child = spawn(
    process.execPath,
    [...nodeArgs, opts.vigil, "serve", "--db", db, "--port", "0", "--rate-limit", "0"],
    { cwd, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => {
    out += d;
  });
  const exited = new Promise((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise((resolve, reject) => {
    child.stderr.on("data", (d) => {
      err += d;
      if (err.length > 100_000) err = err.slice(-50_000);
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve({ url: m[1], token: out.trim() });
    });
    child.on("exit", () => reject(new Error(`vigil serve exited before listening:\n${err}`)));
  });
  return {
    ready,
    pid: child.pid,
    stderr: () => err,
    async stop() {
      child.kill("SIGTERM");
      const r = await exited;
      if (r.code !== 0)
        throw new Error(`vigil serve stopped with ${JSON.stringify(r)}:\n${err.slice(-2000)}`);
    },
    kill: () => child.kill("SIGKILL"),
  };
}

/** A bare Fastify route in a child process: parses the JSON body, answers a fixed count. */
function startBaseline() {
  const code = `
    const fastify = require(${JSON.stringify(require.resolve("fastify"))})({ bodyLimit: 16 * 1024 * 1024 });
    fastify.post("/api/v1/models/:model/predictions", async (req) => ({
      accepted: Array.isArray(req.body) ? req.body.length : 1, duplicates: 0, rejected: [],
    }));
    fastify.listen({ host: "127.0.0.1", port: 0 }).then((addr) => process.stdout.write(addr + "\\n"));
  `;
  const child = spawn(process.execPath, ["-e", code], { stdio: ["ignore", "pipe", "inherit"] });
  const ready = new Promise((resolve, reject) => {
    child.on("error", reject);
    child.stdout.once("data", (d) => resolve(String(d).trim()));
  });
  return { ready, pid: child.pid, stop: () => child.kill() };
}

async function api(url, token, method, p, body) {
  const res = await fetch(url + p, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
}

/**
 * The server's `vigil_ingest_stage_seconds` histogram (docs/prometheus.md): per stage, the
 * cumulative bucket counts by upper bound, the sum and the count. Undefined when the
 * server does not expose it (an older build given with --vigil).
 */
async function scrapeStages(url, token) {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) return undefined;
  const stages = {};
  const line =
    /^vigil_ingest_stage_seconds_(bucket|sum|count)\{stage="(\w+)"(?:,le="([^"]+)")?\} (\S+)$/;
  for (const l of (await res.text()).split("\n")) {
    const m = line.exec(l);
    if (!m) continue;
    stages[m[2]] ??= { buckets: [], sum: 0, count: 0 };
    const s = stages[m[2]];
    if (m[1] === "bucket") s.buckets.push([Number(m[3]), Number(m[4])]);
    else s[m[1]] = Number(m[4]);
  }
  return Object.keys(stages).length > 0 ? stages : undefined;
}

/**
 * Per stage, between two scrapes: mean and p99 in ms, the p99 read from the buckets as
 * Prometheus' histogram_quantile does (linear within the bucket; above the last finite
 * bound, that bound).
 */
function stageSummary(before, after) {
  if (!before || !after) return undefined;
  const out = {};
  for (const [stage, a] of Object.entries(after)) {
    const b = before[stage] ?? { buckets: [], sum: 0, count: 0 };
    const count = a.count - b.count;
    if (count <= 0) continue;
    const cum = a.buckets.map(([le, v], i) => [le, v - (b.buckets[i]?.[1] ?? 0)]);
    const rank = 0.99 * count;
    let p99 = Number.NaN;
    let lower = 0;
    let below = 0;
    for (const [le, c] of cum) {
      if (c >= rank) {
        p99 =
          le === Number.POSITIVE_INFINITY
            ? lower
            : lower + ((le - lower) * (rank - below)) / (c - below);
        break;
      }
      lower = le;
      below = c;
    }
    out[stage] = { meanMs: (1000 * (a.sum - b.sum)) / count, p99Ms: 1000 * p99 };
  }
  return out;
}

// ---------------------------------------------------------------------------------------

async function benchBackend(name, target, opts) {
  const { url: dbUrl, cleanup } = target;
  const cwd = mkdtempSync(path.join(os.tmpdir(), "vigil-bench-ingest-"));
  const server = startVigil(dbUrl, cwd, opts);
  const phases = [];
  const modelName = "bench";
  try {
    const { url, token } = await server.ready;
    if (!token) throw new Error("vigil serve printed no admin token (the database is not fresh)");
    await api(url, token, "PUT", `/api/v1/models/${modelName}`, {
      task: "binary",
      schema: { features: featureSchema(opts.features) },
      ...(opts.window === undefined ? {} : { windowSeconds: opts.window }),
      ...(opts.grace === undefined ? {} : { settings: { graceSeconds: opts.grace } }),
    });
    await api(url, token, "POST", `/api/v1/models/${modelName}/versions`, { version: "1" });
    for (const phase of opts.phases) {
      const { n, c, rps } = phaseShape(phase, opts);
      log(
        `${name}: ${phase} (${n} events/request, ${c} connections${rps ? `, ${fmt(rps)} requests/s offered` : ""}, ${opts.duration} s) ...`,
      );
      const before = await scrapeStages(url, token);
      const result = await runLoad(
        url,
        token,
        modelName,
        `${name}-${phase}`,
        n,
        c,
        opts,
        server.pid,
        rps,
      );
      result.stages = stageSummary(before, await scrapeStages(url, token));
      phases.push(result);
    }
    await server.stop();
  } catch (err) {
    server.kill();
    await cleanup();
    rmSync(cwd, { recursive: true, force: true });
    throw err;
  }

  // The server has drained and exited: count what the store holds.
  const { openStore } = await import(
    pathToFileURL(path.join(ROOT, "dist", "store", "index.js")).href
  );
  const store = await openStore(dbUrl);
  let check;
  try {
    const model = await store.requireModel(modelName);
    const stored = await store.countEvents(model.id);
    const acked = phases.reduce((a, p) => a + p.accepted + p.duplicates, 0);
    const duplicates = phases.reduce((a, p) => a + p.duplicates, 0);
    let cutOffStored = 0;
    let cutOffRequests = 0;
    let partial = 0;
    for (const p of phases) {
      for (const prefix of p.unanswered) {
        cutOffRequests++;
        let kept = 0;
        for (let i = 0; i < p.eventsPerRequest; i++) {
          if (await store.getEvent(model.id, `${prefix}${i}`)) kept++;
        }
        if (kept !== 0 && kept !== p.eventsPerRequest) partial++;
        cutOffStored += kept;
      }
    }
    check = {
      stored,
      acknowledged: acked,
      duplicatesAcked: duplicates,
      cutOffRequests,
      cutOffStored,
      partialRequests: partial,
      pass: stored === acked - duplicates + cutOffStored && partial === 0 && duplicates === 0,
    };
  } finally {
    await store.close();
    await cleanup();
    rmSync(cwd, { recursive: true, force: true });
  }
  return { backend: name, phases, check };
}

async function benchBaseline(opts) {
  const base = startBaseline();
  const url = await base.ready;
  const phases = [];
  try {
    // The bare route is measured at saturation only (an offered rate it always meets says nothing).
    for (const phase of opts.phases.filter((p) => !p.endsWith("rated"))) {
      const { n, c } = phaseShape(phase, opts);
      log(
        `baseline (bare Fastify): ${phase} (${n} events/request, ${c} connections, ${opts.duration} s) ...`,
      );
      phases.push(await runLoad(url, "none", "bench", `base-${phase}`, n, c, opts, base.pid));
    }
  } finally {
    base.stop();
  }
  return { backend: "bare fastify", phases };
}

/** Events per request, connections and (open loop) requests per second of a phase. */
function phaseShape(phase, opts) {
  if (phase === "single") return { n: 1, c: opts.singleConnections, rps: undefined };
  if (phase === "single-rated") {
    return { n: 1, c: opts.singleRateConnections, rps: opts.singleRate };
  }
  if (phase === "rated") {
    return { n: opts.batch, c: opts.rateConnections, rps: opts.rate / opts.batch };
  }
  return { n: opts.batch, c: opts.connections, rps: undefined };
}

function sqliteTarget() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "vigil-bench-db-"));
  return {
    url: path.join(dir, "vigil.db"),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function pgTarget(base) {
  const schema = `vigil_bench_${process.pid}_${Date.now().toString(36)}`;
  const u = new URL(base);
  u.searchParams.set("schema", schema);
  return {
    url: u.toString(),
    cleanup: async () => {
      const pg = require("pg");
      const c = new URL(base);
      if (!c.username) c.username = process.env.PGUSER || os.userInfo().username;
      const client = new pg.Client({ connectionString: c.toString() });
      await client.connect();
      try {
        await client.query(`drop schema if exists "${schema}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

function fmt(n, digits = 0) {
  return Number(n).toLocaleString("en-US", {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  });
}

/** A share of one core as a percentage (200% = both cores of a 2-core machine). */
function pct(share) {
  return share === null || share === undefined ? "n/a" : `${Math.round(share * 100)}%`;
}

function report(results, baseline, opts, loadStart) {
  const lines = [];
  const say = (s = "") => lines.push(s);
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  say(
    `ingest benchmark: ${opts.duration} s per phase, ${opts.features} features, node ${process.version}, ${os.cpus().length} x ${cpu}`,
  );
  const loads = (l) => l.map((x) => x.toFixed(2)).join(" ");
  say(
    `load average (1, 5, 15 min) at the start: ${loads(loadStart)}; at the end: ${loads(os.loadavg())} (the benchmark itself adds about 2)`,
  );
  say("");
  say(
    "| server | load | connections | requests/s | events/s | p50 ms | p99 ms | max ms | non-2xx | errors | server CPU | load-generator CPU | load avg |",
  );
  say("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  const rows = [...results, ...(baseline ? [baseline] : [])];
  for (const r of rows) {
    for (const p of r.phases) {
      const non2xx =
        Object.entries(p.non2xx)
          .map(([s, k]) => `${k}x${s}`)
          .join(" ") || "0";
      say(
        `| ${r.backend} | ${p.eventsPerRequest === 1 ? "single" : `batched ${p.eventsPerRequest}`}${p.offered ? `, ${fmt(p.offered * p.eventsPerRequest)} ${p.eventsPerRequest === 1 ? "requests" : "events"}/s offered` : ", closed loop"} | ${p.connections} | ${fmt(p.requestsPerSec)} | ${fmt(p.eventsPerSec)} | ${p.latency.p50} | ${p.latency.p99} | ${p.latency.max} | ${non2xx} | ${p.errors + p.timeouts} | ${pct(p.cpu.server)} | ${pct(p.cpu.loadGenerator)} | ${p.load1.toFixed(1)} |`,
      );
    }
  }
  say("");
  const staged = results.flatMap((r) => r.phases.filter((p) => p.stages).map((p) => [r, p]));
  if (staged.length > 0) {
    say(
      "Where the server's time went, per request (vigil_ingest_stage_seconds over the whole phase, warm-up included): p99 / mean ms",
    );
    say("");
    say("| server | load | check | queue | backlog | commit | sync |");
    say("|---|---|---:|---:|---:|---:|---:|");
    const cell = (s) => (s ? `${fmt(s.p99Ms, 1)} / ${fmt(s.meanMs, 1)}` : "n/a");
    for (const [r, p] of staged) {
      const st = p.stages;
      say(
        `| ${r.backend} | ${p.eventsPerRequest === 1 ? "single" : `batched ${p.eventsPerRequest}`}${p.offered ? ", open loop" : ", closed loop"} | ${cell(st.check)} | ${cell(st.queue)} | ${cell(st.backlog)} | ${cell(st.commit)} | ${cell(st.sync)} |`,
      );
    }
    say("");
  }
  let allPass = true;
  const verdict = (ok, text) => {
    if (!ok) allPass = false;
    say(`${ok ? "PASS" : "FAIL"}: ${text}`);
  };
  for (const r of results) {
    const batched = r.phases.find((p) => p.eventsPerRequest > 1 && !p.offered);
    const rated = r.phases.find((p) => p.eventsPerRequest > 1 && p.offered);
    const single = r.phases.find((p) => p.eventsPerRequest === 1 && !p.offered);
    const singleRated = r.phases.find((p) => p.eventsPerRequest === 1 && p.offered);
    const base = (n) => baseline?.phases.find((p) => (p.eventsPerRequest === 1) === (n === 1));
    const ratio = (p) => {
      const b = base(p.eventsPerRequest);
      return b
        ? ` (${((100 * p.requestsPerSec) / b.requestsPerSec).toFixed(0)}% of bare Fastify's ${fmt(b.requestsPerSec)} req/s)`
        : "";
    };
    // The throughput targets are set for SQLite; PostgreSQL is reported against the same numbers.
    const tag = r.backend === "sqlite" ? "" : " [reported]";
    if (batched) {
      verdict(
        batched.eventsPerSec >= TARGETS.batchedEventsPerSec,
        `${r.backend} batched, most events/s (closed loop, ${batched.connections} connections): ${fmt(batched.eventsPerSec)} events/s (target >= ${fmt(TARGETS.batchedEventsPerSec)})${ratio(batched)}${tag}`,
      );
    }
    if (rated) {
      const offered = rated.offered * rated.eventsPerRequest;
      verdict(
        rated.eventsPerSec >= 0.99 * offered &&
          offered >= TARGETS.batchedEventsPerSec &&
          rated.latency.p99 <= TARGETS.batchedP99Ms &&
          rated.errors + rated.timeouts === 0,
        `${r.backend} batched, ${fmt(offered)} events/s offered for ${opts.duration} s: ${fmt(rated.eventsPerSec)} events/s acknowledged (${opts.warmup} s warm-up first; the last answer after ${fmt(rated.seconds, 1)} s), p99 ${rated.latency.p99} ms from when each request was due (target <= ${TARGETS.batchedP99Ms})${tag}`,
      );
    }
    if (batched) {
      // Not a target: with a closed loop the server is always saturated, so the mean latency
      // is the events in flight over the throughput (Little's law), whatever the server does.
      const inFlight = batched.connections * batched.eventsPerRequest;
      say(
        `NOTE: ${r.backend} batched at saturation: p50 ${batched.latency.p50} ms, p99 ${batched.latency.p99} ms with ${fmt(inFlight)} events always in flight (mean latency >= ${fmt((1000 * inFlight) / batched.eventsPerSec)} ms at ${fmt(batched.eventsPerSec)} events/s)`,
      );
    }
    if (single) {
      verdict(
        single.requestsPerSec >= TARGETS.singleRequestsPerSec,
        `${r.backend} single, most requests/s (closed loop, ${single.connections} connections): ${fmt(single.requestsPerSec)} requests/s (target >= ${fmt(TARGETS.singleRequestsPerSec)}), p99 at saturation ${single.latency.p99} ms${ratio(single)}${tag}`,
      );
    }
    if (singleRated) {
      verdict(
        singleRated.requestsPerSec >= 0.99 * singleRated.offered &&
          singleRated.offered >= TARGETS.singleRequestsPerSec &&
          singleRated.latency.p99 <= TARGETS.singleP99Ms &&
          singleRated.errors + singleRated.timeouts === 0,
        `${r.backend} single, ${fmt(singleRated.offered)} requests/s offered for ${opts.duration} s: ${fmt(singleRated.requestsPerSec)} requests/s acknowledged (${opts.warmup} s warm-up first; the last answer after ${fmt(singleRated.seconds, 1)} s), p99 ${singleRated.latency.p99} ms from when each request was due (target <= ${TARGETS.singleP99Ms})${tag}`,
      );
    }
    const c = r.check;
    verdict(
      c.pass,
      `${r.backend} stored == acknowledged: ${fmt(c.stored)} stored, ${fmt(c.acknowledged)} acknowledged (duplicates ${c.duplicatesAcked}), plus ${fmt(c.cutOffStored)} from ${c.cutOffRequests} requests cut off unanswered by the end of the run (${c.partialRequests} partly stored)`,
    );
  }
  return { text: lines.join("\n"), allPass };
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    log(err.message);
    process.exit(2);
  }
  build(opts);
  const loadStart = os.loadavg();
  const results = [];
  results.push(await benchBackend("sqlite", sqliteTarget(), opts));
  if (opts.pg) results.push(await benchBackend("postgres", pgTarget(opts.pg), opts));
  const baseline = opts.baseline ? await benchBaseline(opts) : undefined;
  const { text, allPass } = report(results, baseline, opts, loadStart);
  console.log(text);
  if (opts.json) {
    const strip = (r) => ({
      ...r,
      phases: r.phases.map(({ unanswered, ...p }) => ({ ...p, unanswered: unanswered.length })),
    });
    writeFileSync(
      opts.json,
      JSON.stringify(
        { opts, results: results.map(strip), baseline: baseline && strip(baseline) },
        null,
        2,
      ),
    );
  }
  process.exitCode = allPass ? 0 : 1;
}

main().catch((err) => {
  log(err?.stack ?? String(err));
  process.exit(2);
});
