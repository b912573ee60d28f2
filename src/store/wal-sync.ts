/**
 * Durable SQLite commits without blocking the event loop.
 *
 * With `PRAGMA synchronous = FULL` in WAL mode, SQLite syncs the WAL file inside COMMIT:
 * better-sqlite3 is synchronous, so the whole process (every HTTP request) waits for the
 * disk on every commit. Here the connection runs with `synchronous = NORMAL`, and after a
 * commit the store syncs the WAL file itself, with fdatasync on libuv's thread pool, before
 * the transaction's promise resolves: the same sync FULL does ("an additional sync of the
 * WAL file after each transaction commit", https://sqlite.org/pragma.html#pragma_synchronous),
 * so a committed write is on disk before the caller hears of it, while the event loop keeps
 * serving and the next transaction may already run. Concurrent commits share one sync
 * (group commit): a sync covers every frame written before it started.
 *
 * Why this is as safe as FULL:
 * - process crash (kill -9): in WAL mode a committed transaction survives an application
 *   crash whatever `synchronous` is (sqlite.org/pragma.html#pragma_synchronous: "transactions
 *   are durable across application crashes regardless of the synchronous setting"): the
 *   frames are in the OS page cache once COMMIT returns;
 * - power loss: the fdatasync below puts those frames on disk before the acknowledgement.
 *   If a checkpoint copied them into the database file and the WAL was restarted before the
 *   sync ran, NORMAL had already synced the WAL before that checkpoint and the database file
 *   after it, so the data is on disk either way. The WAL file keeps its inode while the
 *   connection is open (SQLite deletes it only when the last connection closes), so the
 *   descriptor below always names the live WAL.
 * The difference from FULL: another connection can read a commit a moment before it is on
 * disk (FULL syncs before the commit becomes visible). Acknowledgements never precede it.
 */
import { closeSync, fdatasync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";

export class WalSync {
  private fd: number | undefined;
  /** The sync running now, if any. */
  private running: Promise<void> | undefined;
  /** The sync that will start when `running` ends, shared by every commit made meanwhile. */
  private queued: Promise<void> | undefined;
  private closed = false;

  constructor(private readonly dbPath: string) {}

  /**
   * Resolves once every commit made before this call is on disk. Call it right after
   * COMMIT returned; the connection may be used again at once.
   */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running === undefined) {
      this.running = this.run();
      return this.running;
    }
    // A sync that started before our commit may not cover it: wait for the next one.
    this.queued ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<void> {
    this.queued = undefined;
    this.running = this.run();
    return this.running;
  }

  private async run(): Promise<void> {
    try {
      const fd = this.open();
      await new Promise<void>((resolve, reject) =>
        fdatasync(fd, (err) => (err ? reject(err) : resolve())),
      );
    } finally {
      this.running = undefined;
    }
  }

  private open(): number {
    if (this.fd === undefined) {
      // The WAL exists once the connection has opened the database in WAL mode; its
      // directory entry is synced once, as SQLite does for a new journal.
      this.fd = openSync(`${this.dbPath}-wal`, "r");
      const dir = openSync(dirname(this.dbPath), "r");
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.fd;
  }

  /** Waits for the syncs in progress, then closes the descriptor (before the database). */
  async close(): Promise<void> {
    this.closed = true;
    await this.queued?.catch(() => undefined);
    await this.running?.catch(() => undefined);
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
