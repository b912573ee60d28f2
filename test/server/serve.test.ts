/**
 * `vigil serve` end to end. In-process (startServe): the first start makes and prints one
 * admin token, later starts do not; plugins start in order and stop in reverse; stop drains
 * an in-flight request before closing the store, and aborts handlers that outlive the drain
 * period; /readyz says 503 when the store is gone. As a real child process (the sources
 * transpiled, see test/helpers/cli-process.ts): SIGTERM and SIGINT drain and exit 0, the
 * database comes from --db, VIGIL_DATABASE_URL or ./.vigil/vigil.db. Both store backends.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { allRoutes } from "../../src/server/assemble.js";
import { defineRoutes, type ServerPlugin } from "../../src/server/route.js";
import { startServe } from "../../src/server/serve.js";
import { transpiledCli } from "../helpers/cli-process.js";
import { startTestServer } from "../helpers/server.js";
import { storeBackends } from "../helpers/store-backends.js";

const { backends } = await storeBackends("server-serve");
const quiet = { info: () => undefined, error: () => undefined };

function collect(): { write(s: string): void; text: () => string } {
  let out = "";
  return {
    write: (s) => {
      out += s;
    },
    text: () => out,
  };
}

describe.each(backends)("startServe on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it("prints an admin token on the first start only; it works; plugins start and stop in order", async () => {
    const { cliUrl } = backend.fresh();
    const events: string[] = [];
    const plugin = (name: string): ServerPlugin => ({
      name,
      start: async (ctx) => {
        // the store is open when plugins start
        await ctx.store.listTokens();
        events.push(`start ${name}`);
      },
      stop: async () => void events.push(`stop ${name}`),
    });
    const out1 = collect();
    const first = await startServe({
      db: cliUrl,
      port: 0,
      stdout: out1,
      logger: quiet,
      plugins: [plugin("a"), plugin("b")],
    });
    const token = out1.text().trim();
    expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
    expect(first.adminToken).toBe(token);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const who = await fetch(`${first.url}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await who.json()).toMatchObject({ role: "admin" });
    const audit = await first.store.listAudit({ action: "token.create" });
    expect(audit.map((e) => e.actor)).toEqual(["vigil serve"]);
    await first.stop();
    expect(events).toEqual(["start a", "start b", "stop b", "stop a"]);
    await expect(first.store.listTokens()).rejects.toThrow();

    const out2 = collect();
    const second = await startServe({
      db: cliUrl,
      port: 0,
      stdout: out2,
      logger: quiet,
      plugins: [],
    });
    try {
      expect(out2.text()).toBe("");
      expect(second.adminToken).toBeUndefined();
      const again = await fetch(`${second.url}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(again.status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it("a plugin that fails to start stops the ones before it and closes the store", async () => {
    const { cliUrl } = backend.fresh();
    const events: string[] = [];
    await expect(
      startServe({
        db: cliUrl,
        port: 0,
        stdout: collect(),
        logger: quiet,
        plugins: [
          {
            name: "ok",
            start: async () => void events.push("start ok"),
            stop: async () => void events.push("stop ok"),
          },
          {
            name: "bad",
            start: async () => {
              throw new Error("cannot start");
            },
          },
        ],
      }),
    ).rejects.toThrow("cannot start");
    expect(events).toEqual(["start ok", "stop ok"]);
  });

  it("stop drains an in-flight request, then closes; late handlers are aborted after drainMs", async () => {
    const { cliUrl } = backend.fresh();
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let aborted = false;
    let foreverEntered!: () => void;
    const inForever = new Promise<void>((r) => (foreverEntered = r));
    const slow = defineRoutes([
      {
        method: "GET",
        path: "/test/slow",
        summary: "waits for the test",
        tag: "test",
        roles: "public",
        responses: { 200: { description: "done" } },
        handler: async (_input, ctx) => {
          entered();
          await gate;
          // the store is still open while requests drain
          return { body: { tokens: (await ctx.store.listTokens()).length } };
        },
      },
      {
        method: "GET",
        path: "/test/forever",
        summary: "waits for its signal",
        tag: "test",
        roles: "public",
        responses: { 200: { description: "aborted" } },
        handler: async (input) => {
          foreverEntered();
          await new Promise<void>((r) => input.signal.addEventListener("abort", () => r()));
          aborted = true;
          return { body: { aborted: true } };
        },
      },
    ]);
    const running = await startServe({
      db: cliUrl,
      port: 0,
      stdout: collect(),
      logger: quiet,
      plugins: [],
      routes: [...allRoutes(), ...slow],
      drainMs: 60_000,
    });
    const pending = fetch(`${running.url}/test/slow`);
    await inHandler;
    const stopped = running.stop();
    let stopDone = false;
    void stopped.then(() => (stopDone = true));
    // new connections are refused while the old request drains
    await expect(fetch(`${running.url}/healthz`)).rejects.toThrow();
    expect(stopDone).toBe(false);
    release();
    const res = await pending;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ tokens: 1 });
    await stopped;

    // A handler that would never finish is aborted once the drain period is over.
    const again = await startServe({
      db: cliUrl,
      port: 0,
      stdout: collect(),
      logger: quiet,
      plugins: [],
      routes: [...allRoutes(), ...slow],
      drainMs: 50,
    });
    const forever = fetch(`${again.url}/test/forever`).catch(() => undefined);
    await inForever;
    await again.stop();
    await forever;
    expect(aborted).toBe(true);
  });
});

describe("readiness", () => {
  it("/readyz is 503 VIGIL_DB_UNAVAILABLE when the store is gone, 503 VIGIL_SHUTTING_DOWN while closing", async () => {
    const srv = await startTestServer();
    try {
      expect((await srv.request("GET", "/readyz")).json).toEqual({ status: "ready" });
      srv.server.state.closing = true;
      const closing = await srv.request("GET", "/readyz");
      expect(closing.status).toBe(503);
      expect(closing.json.error.code).toBe("VIGIL_SHUTTING_DOWN");
      expect(closing.headers.get("connection")).toBe("close");
      srv.server.state.closing = false;
      await srv.store.close();
      const gone = await srv.request("GET", "/readyz");
      expect(gone.status).toBe(503);
      expect(gone.json.error.code).toBe("VIGIL_DB_UNAVAILABLE");
      // liveness does not depend on the store
      expect((await srv.request("GET", "/healthz")).status).toBe(200);
    } finally {
      await srv.close();
    }
  });
});

// ---- the real command ----------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  url: Promise<string>;
  exit: Promise<number | null>;
}

function runServe(args: string[], opts: { cwd: string; env?: Record<string, string> }): Child {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== "VIGIL_DATABASE_URL") env[k] = v;
  }
  const proc = spawn(process.execPath, [transpiledCli(), "serve", "--port", "0", ...args], {
    cwd: opts.cwd,
    env: { ...env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d) => (out += d.toString()));
  const url = new Promise<string>((resolve, reject) => {
    proc.stderr!.on("data", (d) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    proc.on("exit", () => reject(new Error(`serve exited before listening:\n${err}`)));
  });
  const exit = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  return { proc, stdout: () => out, stderr: () => err, url, exit };
}

describe.each(backends)("vigil serve as a process on $name", (backend) => {
  afterAll(() => backend.cleanup());

  it("first start prints the admin token; SIGTERM drains and exits 0; restart keeps the token", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vigil-serve-"));
    try {
      const { cliUrl } = backend.fresh();
      const a = runServe(["--db", cliUrl], { cwd });
      const url = await a.url;
      const token = a.stdout().trim();
      expect(token).toMatch(/^vgl_[A-Za-z0-9_-]{43}$/);
      expect(a.stderr()).not.toContain(token);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect((await fetch(`${url}/readyz`)).status).toBe(200);
      const who = await fetch(`${url}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(await who.json()).toMatchObject({ role: "admin" });
      a.proc.kill("SIGTERM");
      expect(await a.exit).toBe(0);
      expect(a.stderr()).toContain("SIGTERM: draining");
      expect(a.stderr()).toMatch(/stopped\n$/);

      const b = runServe([], { cwd, env: { VIGIL_DATABASE_URL: cliUrl } });
      const url2 = await b.url;
      expect(b.stdout()).toBe("");
      const again = await fetch(`${url2}/api/v1/whoami`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(again.status).toBe(200);
      b.proc.kill("SIGINT");
      expect(await b.exit).toBe(0);
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe("vigil serve defaults", () => {
  it("uses ./.vigil/vigil.db in the working directory and refuses a bad port", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "vigil-serve-default-"));
    try {
      const c = runServe([], { cwd });
      await c.url;
      expect(existsSync(join(cwd, ".vigil", "vigil.db"))).toBe(true);
      c.proc.kill("SIGTERM");
      expect(await c.exit).toBe(0);

      const open = runServe(["--public-metrics"], { cwd });
      const openUrl = await open.url;
      expect((await fetch(`${openUrl}/metrics`)).status).toBe(200);
      expect((await fetch(`${openUrl}/api/v1/models`)).status).toBe(401);
      open.proc.kill("SIGTERM");
      expect(await open.exit).toBe(0);

      const bad = spawn(process.execPath, [transpiledCli(), "serve", "--port", "70000"], { cwd });
      let err = "";
      bad.stderr.on("data", (d) => (err += d.toString()));
      const code = await new Promise<number | null>((r) => bad.on("exit", r));
      expect(code).toBe(2);
      expect(err).toContain("--port must be an integer from 0 to 65535");
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
