#!/usr/bin/env node
// Server request-path overhead: the cost of Vigil's auth (token hash + cache), rate limit,
// JSON parsing with the depth check, schema validation and the error-shape machinery,
// measured against a bare Fastify route answering the same small POST, in the same run.
//
// Usage: node bench/server-overhead.mjs [--seconds 5] [--connections 32] [--dist dist]
//
// Needs the compiled server: `npm run build` (or --dist DIR holding server/app.js). Load
// comes from a second process on loopback (keep-alive HTTP/1.1, `--connections` requests
// in flight). Each server is measured twice, alternating, and the better run is kept.
// Prints requests/s and p50/p99 latency for: bare Fastify; Vigil with a public route;
// Vigil with an authenticated, validated route; and the ratios against bare.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..");

const opts = { seconds: 5, connections: 32, dist: path.join(ROOT, "dist") };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i]?.replace(/^--/, "");
  const value = process.argv[i + 1];
  if (!key || value === undefined || !(key in opts))
    throw new Error(`bad option ${process.argv[i]}`);
  opts[key] = key === "dist" ? path.resolve(value) : Number(value);
}

const load = (f) => import(pathToFileURL(path.join(opts.dist, f)).href);
const { default: Fastify } = await import("fastify");
const { buildServer } = await load("server/app.js");
const { openStore } = await load("store/index.js");

const BODY = JSON.stringify({ id: "e-1", value: 0.5, features: { a: 1, b: "x", c: true } });
const bodySchema = {
  type: "object",
  required: ["id", "value"],
  properties: {
    id: { type: "string", maxLength: 100 },
    value: { type: "number" },
    features: { type: "object" },
  },
};

// The generator: a child process so the load does not share the servers' event loop.
const GENERATOR = `
import http from "node:http";
const [url, token, seconds, connections, body] = JSON.parse(process.argv[1]);
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const target = new URL(url);
const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(body) };
if (token) headers.authorization = "Bearer " + token;
const lat = [];
let ok = 0, bad = 0;
const end = Date.now() + seconds * 1000;
function one() {
  return new Promise((resolve) => {
    const t = process.hrtime.bigint();
    const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => {
        lat.push(Number(process.hrtime.bigint() - t) / 1e6);
        if (res.statusCode === 200) ok++; else bad++;
        resolve();
      });
    });
    req.on("error", () => { bad++; resolve(); });
    req.end(body);
  });
}
async function worker() { while (Date.now() < end) await one(); }
const t0 = Date.now();
await Promise.all(Array.from({ length: connections }, worker));
const secs = (Date.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
process.stdout.write(JSON.stringify({ rps: ok / secs, ok, bad, p50: q(0.5), p99: q(0.99) }));
agent.destroy();
`;

function drive(url, token) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        GENERATOR,
        JSON.stringify([url, token, opts.seconds, opts.connections, BODY]),
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`generator exited ${code}`)),
    );
  });
}

async function listen(fastify) {
  await fastify.listen({ host: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${fastify.server.address().port}`;
}

const dir = mkdtempSync(path.join(os.tmpdir(), "vigil-bench-server-"));
const store = await openStore(path.join(dir, "vigil.db"));
try {
  const bare = Fastify({ logger: false });
  bare.post("/bench/echo", async (request) => ({ ok: true, id: request.body.id }));
  const bareUrl = await listen(bare);

  const echo = (roles) => ({
    method: "POST",
    path: `/bench/${roles === "public" ? "public" : "auth"}`,
    summary: "bench",
    tag: "bench",
    roles,
    body: bodySchema,
    responses: { 200: { description: "ok" } },
    handler: async (input) => ({ body: { ok: true, id: input.body.id } }),
  });
  const vigil = buildServer({ store, routes: [echo("public"), echo(["ingest"])] });
  const vigilUrl = await listen(vigil.fastify);
  const { token } = await store.createToken({ name: "bench", role: "ingest" });

  const cases = [
    ["bare Fastify", `${bareUrl}/bench/echo`, undefined],
    ["vigil public route", `${vigilUrl}/bench/public`, undefined],
    ["vigil token + validation", `${vigilUrl}/bench/auth`, token],
  ];
  const best = new Map();
  for (let round = 0; round < 2; round++) {
    for (const [name, url, tok] of cases) {
      const r = await drive(url, tok);
      if (r.bad > 0) throw new Error(`${name}: ${r.bad} failed requests`);
      if (!best.has(name) || r.rps > best.get(name).rps) best.set(name, r);
    }
  }
  const base = best.get("bare Fastify").rps;
  console.log(
    `server overhead, ${opts.connections} connections, ${opts.seconds} s per run, best of 2`,
  );
  for (const [name] of cases) {
    const r = best.get(name);
    console.log(
      `${name.padEnd(26)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms  ratio ${(r.rps / base).toFixed(2)}`,
    );
  }
  await bare.close();
  await vigil.close();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
