/**
 * WAL checkpoints on a background thread. SQLite's automatic checkpoint runs inside the
 * COMMIT that crosses `wal_autocheckpoint` pages: it copies the WAL's pages into the
 * database file and syncs both, and better-sqlite3 being synchronous, the whole process
 * waits for it (about a sixth of the ingest server's time under load). Here a second
 * connection in a worker thread runs PASSIVE checkpoints every `intervalMs`; a PASSIVE
 * checkpoint never blocks the writer, and once it has copied every frame the writer starts
 * the WAL over at its next transaction. The writer's own automatic checkpoint stays as a
 * backstop at a higher threshold (open.ts), for when this thread falls behind.
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";

const SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: 0 });
// A checkpoint syncs the WAL before copying and the database file after (NORMAL and FULL).
db.pragma("synchronous = NORMAL");
let stopped = false;
const timer = setInterval(() => {
  if (stopped) return;
  try {
    db.pragma("wal_checkpoint(PASSIVE)");
  } catch (err) {
    // SQLITE_BUSY: another checkpoint runs; anything else is reported once per failure.
    if (!String(err && err.code).startsWith("SQLITE_BUSY")) {
      parentPort.postMessage({ error: String((err && err.message) || err) });
    }
  }
}, workerData.intervalMs);
parentPort.on("message", (m) => {
  if (m !== "stop") return;
  stopped = true;
  clearInterval(timer);
  db.close();
  parentPort.postMessage("stopped");
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private stopping: Promise<void> | undefined;
  private exited = false;

  constructor(dbPath: string, intervalMs = 50, onError?: (message: string) => void) {
    const module = createRequire(import.meta.url).resolve("better-sqlite3");
    this.worker = new Worker(SOURCE, {
      eval: true,
      workerData: { module, path: dbPath, intervalMs },
    });
    this.worker.unref();
    this.worker.on("message", (m: unknown) => {
      if (typeof m === "object" && m !== null && "error" in m) {
        onError?.(String((m as { error: unknown }).error));
      }
    });
    // A failed checkpointer leaves the writer's own automatic checkpoint in charge.
    this.worker.on("error", (err) => onError?.(err.message));
    this.worker.once("exit", () => {
      this.exited = true;
    });
  }

  /** Stops the thread and closes its connection (before the writer's, which checkpoints last). */
  stop(): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.stopping ??= new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once("exit", done);
      this.worker.on("message", (m: unknown) => {
        if (m === "stopped") void this.worker.terminate().then(done, done);
      });
      this.worker.postMessage("stop");
    });
    return this.stopping;
  }
}
