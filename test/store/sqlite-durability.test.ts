/**
 * SQLite commit durability and checkpoints (src/store/wal-sync.ts, wal-checkpoint.ts):
 * the default syncs the WAL off the event loop after each commit (SQLite itself in NORMAL),
 * "full" keeps SQLite's own sync, "normal" none; a committed transaction's data is read
 * back after a kill -9 of the writing process; background checkpoints copy the WAL into
 * the database file before the writer's own (raised) threshold is reached.
 * PostgreSQL has none of these settings (its commits are durable by the server).
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { sql } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { openStore, type Store } from "../../src/store/index.js";
import { transpiledCli } from "../helpers/cli-process.js";
import { expectCode } from "../helpers/error-code.js";

const root = mkdtempSync(join(tmpdir(), "vigil-durability-"));
let n = 0;
const stores: Store[] = [];
afterAll(async () => {
  for (const s of stores) await s.close().catch(() => undefined);
  rmSync(root, { recursive: true, force: true });
});

async function open(
  options: Parameters<typeof openStore>[1] = {},
): Promise<{ store: Store; path: string }> {
  const path = join(root, `db${++n}`, "vigil.db");
  const store = await openStore(path, options);
  stores.push(store);
  return { store, path };
}

async function pragma(store: Store, name: string): Promise<number> {
  const r = await sql.raw<Record<string, number>>(`pragma ${name}`).execute(store.kysely);
  return Number(Object.values(r.rows[0] ?? {})[0]);
}

describe("SQLite durability settings", () => {
  it("syncs the WAL itself by default, and keeps SQLite's FULL and NORMAL available", async () => {
    const async = await open();
    // NORMAL inside SQLite; the store adds the WAL sync after each commit.
    expect(await pragma(async.store, "synchronous")).toBe(1);
    const m = await async.store.createModel({ name: "m", task: "binary", schema: {} });
    expect((await async.store.getModelById(m.id))?.name).toBe("m");
    const full = await open({ sqliteSynchronous: "full" });
    expect(await pragma(full.store, "synchronous")).toBe(2);
    const normal = await open({ sqliteSynchronous: "normal" });
    expect(await pragma(normal.store, "synchronous")).toBe(1);
    await expectCode(
      openStore(join(root, "bad", "vigil.db"), { sqliteSynchronous: "off" as "full" }),
      "VIGIL_INVALID_ARGUMENT",
    );
  });

  it("hands a pipelined writer the commit at once and its durability as a promise", async () => {
    const { store } = await open();
    const { result, durable } = await store.transactionCommitted(async (tx) => {
      const m = await tx.createModel({ name: "pipelined", task: "binary", schema: {} });
      return m.id;
    });
    // Committed: visible before the sync completes.
    expect((await store.getModelById(result))?.name).toBe("pipelined");
    await expect(durable).resolves.toBeUndefined();
    await store.transaction(async (tx) => {
      await expectCode(
        tx.transactionCommitted(async () => 1),
        "VIGIL_INTERNAL",
      );
    });
  });

  it("keeps every commit a killed process was told about", async () => {
    const path = join(root, "killed", "vigil.db");
    // A child process commits one model per transaction and reports each commit on stdout.
    const dist = join(dirname(transpiledCli()), "..", "dist", "store", "index.js");
    const script = `
      const { openStore } = await import(${JSON.stringify(pathToFileURL(dist).href)});
      const store = await openStore(${JSON.stringify(path)});
      for (let i = 0; ; i++) {
        await store.createModel({ name: "m" + i, task: "binary", schema: {} });
        process.stdout.write(i + "\\n");
      }
    `;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let acked = -1;
    let err = "";
    child.stderr.on("data", (d: Buffer) => {
      err += d.toString();
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (d: Buffer) => {
        const lines = d.toString().trim().split("\n");
        acked = Number(lines[lines.length - 1]);
        if (acked >= 200) {
          child.kill("SIGKILL");
          resolve();
        }
      });
      child.on("exit", (code) => {
        if (acked < 200) reject(new Error(`child exited (${code}) early: ${err}`));
      });
    });
    await new Promise((r) => child.once("exit", r));
    const store = await openStore(path);
    stores.push(store);
    const names = new Set((await store.listModels()).map((m) => m.name));
    for (let i = 0; i <= acked; i++) expect(names.has(`m${i}`)).toBe(true);
  });

  it("checkpoints on a background thread before the writer's own threshold", async () => {
    const { store, path } = await open({ sqliteBackgroundCheckpoints: true });
    expect(await pragma(store, "wal_autocheckpoint")).toBe(4000);
    const model = await store.createModel({ name: "m", task: "binary", schema: {} });
    const version = await store.createVersion(model.id, { version: "1" });
    const initial = statSync(path).size;
    // About 3 MB of WAL: under the writer's threshold (4000 pages, 16 MB).
    const payload = "x".repeat(2000);
    for (let b = 0; b < 3; b++) {
      await store.insertEvents(
        model.id,
        Array.from({ length: 500 }, (_, i) => ({
          id: `e${b}-${i}`,
          versionId: version.id,
          timestamp: 0,
          windowStart: 0,
          payload: { payload, i },
        })),
      );
    }
    // The checkpointer runs every 50 ms; the database file grows once it copied the pages.
    const deadline = Date.now() + 20_000;
    while (statSync(path).size <= initial + 2_000_000 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(statSync(path).size).toBeGreaterThan(initial + 2_000_000);
    expect(await store.countEvents(model.id)).toBe(1500);
  });
});
