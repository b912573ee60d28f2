/**
 * Exit behaviour, in real child processes: what is buffered is sent when the event loop
 * runs dry (beforeExit) and on SIGTERM, the process still dies by SIGTERM as it would have,
 * an application's own SIGTERM handler keeps control, and a dead server cannot hold the
 * process past the exit deadline. The child runs the client's source transpiled by
 * TypeScript (it has no dependencies), so the test does not need `npm run build`.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Sink, startSink } from "./sink.js";

let dir: string;
let sink: Sink;

function transpile(from: string, to: string): void {
  const out = ts.transpileModule(readFileSync(from, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  writeFileSync(to, out.outputText);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "vigil-client-exit-"));
  mkdirSync(join(dir, "client"));
  for (const f of readdirSync("src/client")) {
    if (f.endsWith(".ts"))
      transpile(join("src/client", f), join(dir, "client", f.replace(/\.ts$/, ".js")));
  }
  transpile("src/errors.ts", join(dir, "errors.js"));
  writeFileSync(
    join(dir, "child.mjs"),
    `import { createClient } from "./client/index.js";
const [url, mode, n] = process.argv.slice(2);
const c = createClient({
  url, model: "m", batchSize: 1000, flushIntervalMs: 3_600_000,
  exitTimeoutMs: mode === "dead-server" ? 300 : 10_000, backoffBaseMs: 1,
});
for (let i = 0; i < Number(n); i++) c.log({ features: { x: i }, prediction: 1 });
process.on("exit", (code) => process.stdout.write(JSON.stringify({ code, stats: c.stats() }) + "\\n"));
if (mode === "own-handler") {
  process.on("SIGTERM", async () => {
    await c.flush();
    process.stdout.write("app handler done\\n");
    process.exit(7);
  });
}
if (mode === "sigterm" || mode === "own-handler") {
  setInterval(() => {}, 1_000_000); // a server that would run forever
  process.stdout.write("ready\\n");
}
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  sink = await startSink();
});
afterEach(async () => {
  sink.release();
  await sink.close();
});

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runChild(mode: string, n: number, onReady?: (kill: () => void) => void) {
  return new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(process.execPath, [join(dir, "child.mjs"), sink.url, mode, String(n)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
      if (onReady && stdout.includes("ready\n")) {
        const f = onReady;
        onReady = undefined;
        f(() => child.kill("SIGTERM"));
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function lastStats(stdout: string): { code: number; stats: Record<string, number> } {
  const line = stdout.trim().split("\n").at(-1)!;
  return JSON.parse(line);
}

describe("exit behaviour", () => {
  it("sends what is buffered when the event loop runs dry, then exits 0", async () => {
    const r = await runChild("end", 1234);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(sink.storedCount()).toBe(1234);
    expect(lastStats(r.stdout).stats).toMatchObject({ accepted: 1234, dropped: 0 });
  });

  it("on SIGTERM sends what is buffered, then still dies by SIGTERM", async () => {
    const r = await runChild("sigterm", 700, (kill) => kill());
    expect(r.signal).toBe("SIGTERM");
    expect(r.code).toBeNull();
    expect(sink.storedCount()).toBe(700);
  });

  it("leaves the exit to the application's own SIGTERM handler", async () => {
    const r = await runChild("own-handler", 300, (kill) => kill());
    expect(r.signal).toBeNull();
    expect(r.code).toBe(7);
    expect(r.stdout).toContain("app handler done");
    expect(sink.storedCount()).toBe(300);
    expect(lastStats(r.stdout)).toMatchObject({ code: 7, stats: { accepted: 300 } });
  });

  it("a server that never answers holds the process only until the exit deadline", async () => {
    sink.behave = () => "hang";
    const r = await runChild("dead-server", 50);
    expect(r.code).toBe(0);
    expect(lastStats(r.stdout).stats).toMatchObject({ accepted: 0, dropped: 50, inFlight: 0 });
    expect(r.stderr).toMatch(/mlvigil\/client: predictions.*dropped.*exit/);
  });
});
