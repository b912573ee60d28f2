/**
 * A real Prometheus server for tests: the Debian package's binary, on a free loopback port,
 * with a temporary storage directory and a generated config that scrapes one target every
 * `scrapeInterval` with a bearer token read from a file (as a production config would).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface PrometheusOptions {
  /** Path of the prometheus binary. */
  binary: string;
  /** host:port of the scraped server. */
  target: string;
  /** Bearer token Prometheus sends; omitted = no Authorization header. */
  token?: string;
  /** Prometheus duration, e.g. "500ms". */
  scrapeInterval?: string;
}

export interface PromSeries {
  metric: Record<string, string>;
  value: [number, string];
}

export interface RunningPrometheus {
  url: string;
  /** The generated prometheus.yml, for failure messages. */
  config: string;
  /** What Prometheus printed so far. */
  output(): string;
  /** Instant query through /api/v1/query. */
  query(promql: string): Promise<PromSeries[]>;
  /** Polls `query` until `accept` returns true for its result or the deadline passes. */
  waitFor(
    promql: string,
    accept: (r: PromSeries[]) => boolean,
    timeoutMs?: number,
  ): Promise<PromSeries[]>;
  /** The scrape target's health and last error (/api/v1/targets). */
  target(): Promise<{ health: string; lastError: string } | undefined>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a !== null ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function poll<T>(
  what: string,
  timeoutMs: number,
  step: () => Promise<T | undefined>,
  describe: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const r = await step();
      if (r !== undefined) return r;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} within ${timeoutMs} ms failed (${String(last ?? "")})\n${describe()}`,
      );
    }
    await sleep(100);
  }
}

export async function startPrometheus(opts: PrometheusOptions): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), "vigil-prometheus-"));
  const interval = opts.scrapeInterval ?? "500ms";
  const auth =
    opts.token === undefined
      ? ""
      : `    authorization:\n      type: Bearer\n      credentials_file: ${join(dir, "token")}\n`;
  if (opts.token !== undefined) writeFileSync(join(dir, "token"), opts.token, { mode: 0o600 });
  const config = [
    "global:",
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    "scrape_configs:",
    "  - job_name: vigil",
    "    metrics_path: /metrics",
    auth.trimEnd(),
    "    static_configs:",
    `      - targets: ["${opts.target}"]`,
    "",
  ]
    .filter((l) => l !== "")
    .join("\n");
  writeFileSync(join(dir, "prometheus.yml"), `${config}\n`);

  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(
    opts.binary,
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let running = true;
  child.once("exit", () => {
    running = false;
  });
  const describe = () => `prometheus.yml:\n${config}\nprometheus output:\n${output}`;

  const stop = async () => {
    if (running) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(url + path);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`${path}: ${body.error ?? res.status}`);
    return body.data;
  };

  try {
    await poll(
      "Prometheus ready",
      10_000,
      async () => {
        if (!running) throw new Error("prometheus exited");
        const res = await fetch(`${url}/-/ready`);
        return res.status === 200 ? true : undefined;
      },
      describe,
    );
  } catch (err) {
    await stop();
    throw err;
  }

  const query = async (promql: string): Promise<PromSeries[]> => {
    const data = await api<{ result: PromSeries[] }>(
      `/api/v1/query?query=${encodeURIComponent(promql)}`,
    );
    return data.result;
  };

  return {
    url,
    config,
    output: () => output,
    query,
    waitFor: (promql, accept, timeoutMs = 10_000) =>
      poll(
        `Prometheus query ${promql}`,
        timeoutMs,
        async () => {
          const r = await query(promql);
          return accept(r) ? r : undefined;
        },
        describe,
      ),
    target: async () => {
      const data = await api<{ activeTargets: Array<{ health: string; lastError: string }> }>(
        "/api/v1/targets?state=active",
      );
      const t = data.activeTargets[0];
      return t === undefined ? undefined : { health: t.health, lastError: t.lastError };
    },
    stop,
  };
}
