/**
 * Crash safety of ingestion (issue 5 section 8): `vigil serve` as a real process on a SQLite
 * file, several concurrent senders recording exactly which events were acknowledged, then
 * `kill -9` in the middle of ingestion. After a restart on the same file:
 * - every acknowledged event is stored (by id), and nothing else but whole unanswered requests;
 * - each request is atomic: of a request whose answer was lost, all events or none are stored;
 * - every window's stored profile equals a rebuild from its raw events, byte for byte;
 * - the server takes new events.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rebuildWindowProfile } from "../../src/monitor/rebuild.js";
import { openStore } from "../../src/store/index.js";
import { transpiledCli } from "../helpers/cli-process.js";

const dir = mkdtempSync(join(tmpdir(), "vigil-fault-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Serve {
  proc: ChildProcess;
  url: Promise<string>;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function serve(db: string): Serve {
  const env = { ...process.env };
  delete env.VIGIL_DATABASE_URL;
  const proc = spawn(
    process.execPath,
    [transpiledCli(), "serve", "--db", db, "--port", "0", "--rate-limit", "0"],
    { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  let err = "";
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const url = new Promise<string>((resolve, reject) => {
    proc.stderr!.on("data", (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) resolve(m[1]!);
    });
    proc.on("exit", () => reject(new Error(`serve exited before listening:\n${err}`)));
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { proc, url, stdout: () => out, stderr: () => err, exit };
}

async function call(url: string, token: string, method: string, path: string, body: unknown) {
  const res = await fetch(url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

const WINDOW_MS = 60_000;
const SENDERS = 4;
const BATCH = 20;
/** Acknowledged events after which the server is killed (it is still being sent to). */
const KILL_AFTER = 800;

function batch(sender: number, n: number, now: number) {
  return Array.from({ length: BATCH }, (_, i) => {
    const k = n * BATCH + i;
    return {
      id: `s${sender}-b${n}-e${i}`,
      // Spread over the current and the three previous windows.
      timestamp: now - (k % 4) * WINDOW_MS,
      version: "1",
      features: {
        x: Math.sin(k + sender) * 10,
        y: (k * 7919) % 101,
        plan: ["free", "pro", "team"][k % 3],
      },
      prediction: String(k % 2),
      scores: { "1": (k % 10) / 10 },
      latency_ms: (k % 50) + 0.5,
    };
  });
}

describe("kill -9 during ingestion", () => {
  it("keeps every acknowledged event, and every window profile equals its rebuild", async () => {
    const db = join(dir, "vigil.db");
    const first = serve(db);
    const url = await first.url;
    const token = first.stdout().trim();
    expect(token).toMatch(/^vgl_/);
    await call(url, token, "PUT", "/api/v1/models/fault", {
      task: "binary",
      windowSeconds: WINDOW_MS / 1000,
      schema: { features: { x: "numeric", y: "numeric", plan: "categorical" } },
    });
    await call(url, token, "POST", "/api/v1/models/fault/versions", { version: "1" });

    const acked = new Set<string>();
    /** Requests that got no answer (in flight at the kill): ids per request. */
    const unanswered: string[][] = [];
    let killed = false;
    const sender = async (s: number) => {
      for (let n = 0; ; n++) {
        const events = batch(s, n, Date.now());
        let res: Response;
        let text: string;
        try {
          res = await fetch(`${url}/api/v1/models/fault/predictions`, {
            method: "POST",
            headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
            body: JSON.stringify(events),
          });
          text = await res.text();
        } catch {
          unanswered.push(events.map((e) => e.id));
          return;
        }
        expect(res.status, text).toBe(200);
        const body = JSON.parse(text);
        expect(body).toEqual({ accepted: BATCH, duplicates: 0, rejected: [] });
        for (const e of events) acked.add(e.id);
        if (!killed && acked.size >= KILL_AFTER) {
          killed = true;
          // The other senders have requests on the wire right now.
          first.proc.kill("SIGKILL");
        }
      }
    };
    await Promise.all(Array.from({ length: SENDERS }, (_, s) => sender(s)));
    expect(await first.exit).toEqual({ code: null, signal: "SIGKILL" });
    expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(unanswered.length).toBeGreaterThanOrEqual(1);

    const second = serve(db);
    const url2 = await second.url;
    expect(second.stdout()).toBe(""); // the admin token survived; none is made again
    const after = batch(99, 0, Date.now());
    expect(await call(url2, token, "POST", "/api/v1/models/fault/predictions", after)).toEqual({
      accepted: BATCH,
      duplicates: 0,
      rejected: [],
    });
    second.proc.kill("SIGTERM");
    expect((await second.exit).code).toBe(0);

    const store = await openStore(db);
    try {
      const model = await store.requireModel("fault");
      const stored = new Set<string>();
      for (let afterSeq = 0; ; ) {
        const page = await store.listEvents(model.id, { afterSeq, limit: 1000 });
        if (page.length === 0) break;
        for (const e of page) stored.add(e.id);
        afterSeq = page.at(-1)!.seq;
      }
      const missing = [...acked].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      let fromUnanswered = 0;
      for (const ids of unanswered) {
        const kept = ids.filter((id) => stored.has(id)).length;
        expect([0, ids.length]).toContain(kept);
        fromUnanswered += kept;
      }
      expect(stored.size).toBe(acked.size + fromUnanswered + BATCH);
      expect(await store.countEvents(model.id)).toBe(stored.size);

      const windows = await store.listWindowProfiles(model.id);
      expect(windows.length).toBeGreaterThanOrEqual(4);
      let profiled = 0;
      for (const w of windows) {
        const r = await rebuildWindowProfile(store, w);
        expect(r.differences, `window ${w.windowStart}`).toEqual([]);
        expect(r.identical, `window ${w.windowStart}`).toBe(true);
        expect(r.events).toBe(w.eventCount);
        profiled += w.eventCount;
      }
      expect(profiled).toBe(stored.size);
    } finally {
      await store.close();
    }
  });
});
