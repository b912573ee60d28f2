/**
 * Deferred window profiles (SQLite): an ingest transaction stores the raw events and
 * commits; counting them into their window's profile happens afterwards, in a worker thread
 * (profile-worker.ts), and the profiles are written about once a second instead of in every
 * transaction. This takes the sketches and the re-encoding of a large profile (hundreds of
 * KB for 20 features) off the request path: with single-event requests that encoding and
 * its write were most of each transaction.
 *
 * The worker also parses and checks the events of large requests before their transaction
 * (`check`), keeping their digests until they are counted, so the ingest thread only
 * splits, inserts and commits.
 *
 * Nothing acknowledged depends on it: the raw events are committed before the answer, and
 * the stored profile always equals a replay of the window's raw events up to its counted seq
 * (window_profiles.counted_seq), because events are counted in seq order from the exact
 * JSON text stored for them, as a rebuild replays them (rebuild.ts). What can lag is the
 * counted seq:
 * - after a crash (kill -9), `start()` replays the events past each window's counted seq
 *   before the server listens (`repairLagging`);
 * - readers that need a window's current profile (the scheduler before evaluating, the
 *   window route) call `flushWindowProfiles(ctx)` (ingest-plugin.ts) first;
 * - every write is a compare-and-set on counted_seq plus a check that the window holds
 *   exactly the events counted, so another process writing the same SQLite file, a sampled
 *   model's in-transaction update or a rebuild is never overwritten: on a mismatch the
 *   window is replayed from its raw events instead.
 * Used on SQLite only: with several writers on one PostgreSQL, seq order is not commit
 * order, so a replay from a counted seq could miss events; PostgreSQL keeps the update in
 * the ingest transaction (ingest.ts). So do models that sample payloads (sampleRate < 1),
 * whose raw events cannot be replayed.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { VigilError } from "../errors.js";
import {
  type DatasetProfile,
  deserializeDatasetProfile,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { Repo, Store, WindowKey } from "../store/index.js";
import type { ModelTask } from "../store/types.js";
import { type MonitorConfig, monitorConfig } from "./config.js";
import type { EventRules } from "./events.js";
import { isSampledOut } from "./ingest-payload.js";
import {
  type CheckItems,
  type CheckResults,
  type CountBatch,
  type CounterBase,
  type CounterReply,
  type CounterRequest,
  counterKey,
  type FlushedWindow,
  handleRequest,
  WindowCounter,
} from "./window-counter.js";
import { binsFromReference, EventProfiler, newWindowProfile } from "./window-profile.js";

type CheckRequest = Omit<Extract<CounterRequest, { type: "check" }>, "type" | "id">;

export interface DeferredProfilesOptions {
  /** How often counted events are written to the window profiles, ms (default 1000). */
  flushIntervalMs?: number;
  /**
   * Count in a worker thread (default true). Without the compiled worker file (running
   * from TypeScript sources) counting runs on the calling thread.
   */
  worker?: boolean;
  /**
   * The compiled worker entry (default: profile-worker.js next to this module, when it
   * exists). Tests running from TypeScript sources point it at a transpiled copy.
   */
  workerFile?: string;
  /** Windows held decoded in memory beyond which idle ones are dropped (default 64). */
  maxWindows?: number;
  /** Where background flush failures are reported (default stderr). */
  log?: (line: string) => void;
}

const PAGE = 5000;
/** How long counts may wait in the outbox, and how many events make it go at once. */
const OUTBOX_MS = 20;
const OUTBOX_EVENTS = 2000;

/**
 * Replays the window's stored events with afterSeq < seq < beforeSeq into `profile`, in seq
 * order; returns how many and the last seq (afterSeq when none).
 */
export async function replayWindowEvents(
  tx: Repo,
  key: WindowKey,
  profile: DatasetProfile,
  task: ModelTask,
  positiveClass: string,
  afterSeq: number,
  beforeSeq = Number.POSITIVE_INFINITY,
): Promise<{ events: number; lastSeq: number }> {
  const profiler = new EventProfiler(profile, task, positiveClass);
  let events = 0;
  let lastSeq = afterSeq;
  for (;;) {
    const page = await tx.listEvents(key.modelId, {
      versionId: key.versionId,
      windowStart: key.windowStart,
      afterSeq: lastSeq,
      limit: PAGE,
    });
    for (const e of page) {
      if (e.seq >= beforeSeq) return { events, lastSeq };
      if (isSampledOut(e.payload)) {
        // Deferred counting is used only for models that keep every payload.
        throw new VigilError(
          "VIGIL_RAW_EVENTS_INCOMPLETE",
          `Event "${e.id}" was stored without its features; window ${new Date(key.windowStart).toISOString()} cannot be recounted from its raw events.`,
        );
      }
      profiler.add(e.payload as Record<string, unknown>);
      events++;
      lastSeq = e.seq;
    }
    if (page.length < PAGE) return { events, lastSeq };
  }
}

/**
 * Brings a deferred window's stored profile up to all its committed events; `toNull` also
 * turns it into an in-transaction window (counted_seq null). No-op for a window that is not
 * deferred. Returns the events replayed.
 */
export async function catchUpWindow(
  tx: Repo,
  key: WindowKey,
  opts: { toNull?: boolean; beforeSeq?: number } = {},
): Promise<number> {
  const rec = await tx.getWindowProfile(key);
  if (!rec || rec.countedSeq === null) return 0;
  const model = await tx.getModelById(key.modelId);
  const config = model && monitorConfig(model);
  if (!config) return 0;
  const profile = deserializeDatasetProfile(rec.data);
  const r = await replayWindowEvents(
    tx,
    key,
    profile,
    config.task,
    config.positiveClass,
    rec.countedSeq,
    opts.beforeSeq,
  );
  if (r.events === 0 && !opts.toNull) return 0;
  const written = await tx.replaceCountedWindow(
    key,
    {
      data: serializeDatasetProfile(profile),
      eventCount: rec.eventCount + r.events,
      countedSeq: opts.toNull ? null : r.lastSeq,
    },
    rec.countedSeq,
  );
  if (!written) throw new VigilError("VIGIL_INTERNAL", "Window profile changed during a replay.");
  return r.events;
}

interface Held {
  /** Bumped on every count sent; a window untouched since a flush's snapshot is idle. */
  tick: number;
}

interface PendingReply {
  resolve(reply: CounterReply): void;
  reject(e: unknown): void;
}

/** A request's items checked by the counter, whose digest it holds until released. */
export interface CheckedTicket {
  ticket: number;
  /** The counter generation that holds the ticket (a restarted worker holds none). */
  generation: number;
  results: CheckResults;
}

function workerFile(): string | undefined {
  const url = new URL("./profile-worker.js", import.meta.url);
  if (url.protocol !== "file:") return undefined;
  const path = fileURLToPath(url);
  return existsSync(path) ? path : undefined;
}

export class DeferredProfiles {
  private readonly flushIntervalMs: number;
  private readonly maxWindows: number;
  private readonly useWorker: boolean;
  private readonly workerFile: string | undefined;
  private readonly log: (line: string) => void;
  private worker: Worker | undefined;
  private local: WindowCounter | undefined;
  /** Windows the counter holds, by counterKey. */
  private readonly held = new Map<string, Held>();
  /**
   * Windows with committed events that no counter holds (a batch arrived for a window the
   * counter had just dropped, or the worker failed): replayed from their rows at the next
   * flush, unless a new base (which replays them) comes first.
   */
  private readonly stale = new Map<string, { key: WindowKey; gen: number }>();
  private staleGen = 0;
  private tick = 0;
  private countedSinceFlush = false;
  private timer: NodeJS.Timeout | undefined;
  private nextRequest = 1;
  private readonly pending = new Map<number, PendingReply>();
  /** Bumped when the counter is replaced: tickets of older generations are gone. */
  private generation = 0;
  /** Events sent to the worker to count, and counted by it (its progress reports). */
  private posted = 0;
  private counted = 0;
  private backlogWaiters: { limit: number; resolve(): void }[] = [];
  /** Requests for the worker not sent yet (see send). */
  private outbox: CounterRequest[] = [];
  private outboxEvents = 0;
  private outboxTimer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private flushQueued: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly store: Store,
    opts: DeferredProfilesOptions = {},
  ) {
    if (store.dialect !== "sqlite") {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        "Deferred window profiles need SQLite (one writer order); PostgreSQL updates them in each ingest transaction.",
      );
    }
    this.flushIntervalMs = opts.flushIntervalMs ?? 1000;
    this.maxWindows = opts.maxWindows ?? 64;
    this.useWorker = opts.worker ?? true;
    this.workerFile = opts.workerFile;
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Whether a store can use deferred profiles. */
  static supports(store: Store): boolean {
    return store.dialect === "sqlite";
  }

  /** True when counting runs in a worker thread. */
  get threaded(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Replays what a stopped process counted but had not written, then starts counting and
   * the flush timer. Returns the windows repaired.
   */
  async start(): Promise<number> {
    const repaired = await repairLagging(this.store);
    this.startCounter();
    if (this.flushIntervalMs > 0) {
      this.timer = setInterval(() => {
        if (!this.countedSinceFlush) return;
        this.flush().catch((err: unknown) =>
          this.log(`window profile flush failed: ${(err as Error)?.message ?? String(err)}`),
        );
      }, this.flushIntervalMs);
      this.timer.unref();
    }
    return repaired;
  }

  private startCounter(): void {
    this.generation++;
    const file = this.useWorker ? (this.workerFile ?? workerFile()) : undefined;
    if (!file) {
      this.local = new WindowCounter();
      return;
    }
    const worker = new Worker(file);
    worker.unref();
    worker.on("message", (reply: CounterReply) => this.onReply(reply));
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.dropAll(new VigilError("VIGIL_INTERNAL", `The profile worker stopped: ${why}`));
      if (!this.closed) {
        this.log(`profile worker stopped (${why}); counting again from the stored events`);
        this.startCounter();
      }
    };
    worker.on("error", (err) => lost(err.message));
    worker.on("exit", (code) => lost(`exit code ${code}`));
    this.worker = worker;
  }

  /**
   * Events sent to be counted and not counted yet (worker thread; 0 on the calling thread,
   * which counts at once).
   */
  get backlog(): number {
    return this.posted - this.counted;
  }

  /**
   * Resolves once the backlog is at most `limit` events: the ingest thread waits here
   * before each transaction, so counting that falls behind slows ingestion instead of
   * holding ever more checked events in memory.
   */
  belowBacklog(limit: number): Promise<void> {
    if (this.backlog <= limit) return Promise.resolve();
    return new Promise((resolve) => this.backlogWaiters.push({ limit, resolve }));
  }

  private wakeBacklogWaiters(): void {
    if (this.backlogWaiters.length === 0) return;
    const still: { limit: number; resolve(): void }[] = [];
    for (const w of this.backlogWaiters) {
      if (this.backlog <= w.limit) w.resolve();
      else still.push(w);
    }
    this.backlogWaiters = still;
  }

  /** Everything held is dropped; windows are recounted from their rows. */
  private dropAll(err: unknown): void {
    if (this.outboxTimer !== undefined) clearTimeout(this.outboxTimer);
    this.outboxTimer = undefined;
    this.outbox = [];
    this.outboxEvents = 0;
    this.posted = 0;
    this.counted = 0;
    this.wakeBacklogWaiters();
    this.markStale([...this.held.keys()]);
    this.held.clear();
    this.local?.forget(null);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private onReply(reply: CounterReply): void {
    if (reply.type === "progress") {
      this.counted = reply.counted;
      this.wakeBacklogWaiters();
      return;
    }
    if (reply.type !== "failed") {
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      p?.resolve(reply);
      return;
    }
    const p = reply.id === null ? undefined : this.pending.get(reply.id);
    if (p && reply.check) {
      // A check failed: the caller checks those items itself.
      this.pending.delete(reply.id as number);
      p.reject(new VigilError("VIGIL_INTERNAL", `Checking events failed: ${reply.message}`));
      return;
    }
    // Counting failed in the worker: it dropped every window; so do we.
    this.log(`profile counting failed: ${reply.message}; counting again from the stored events`);
    this.dropAll(new VigilError("VIGIL_INTERNAL", `Profile counting failed: ${reply.message}`));
  }

  private send(req: CounterRequest): void {
    if (this.worker) {
      // Counts, releases and forgets wait a few ms in an outbox and go in one message (a
      // message costs tens of microseconds; with single-event requests there is one count
      // per transaction); checks and flushes, which someone waits for, go at once, after
      // what the outbox holds, so the order is kept.
      this.outbox.push(req);
      if (req.type === "count") {
        for (const b of req.batches) this.outboxEvents += b.events.length;
      }
      if (req.type === "check" || req.type === "flush" || this.outboxEvents >= OUTBOX_EVENTS) {
        this.sendOutbox();
      } else if (this.outboxTimer === undefined) {
        this.outboxTimer = setTimeout(() => this.sendOutbox(), OUTBOX_MS);
        this.outboxTimer.unref();
      }
      return;
    }
    if (!this.local) throw new VigilError("VIGIL_INTERNAL", "Deferred profiles are not started.");
    const reply = handleRequest(this.local, req);
    if (reply) this.onReply(reply);
  }

  private sendOutbox(): void {
    if (this.outboxTimer !== undefined) clearTimeout(this.outboxTimer);
    this.outboxTimer = undefined;
    const reqs = this.outbox;
    this.outbox = [];
    this.outboxEvents = 0;
    if (reqs.length === 0 || !this.worker) return;
    this.worker.postMessage(reqs.length === 1 ? reqs[0] : { type: "batch", requests: reqs });
  }

  private async request(flush: true): Promise<FlushedWindow[]>;
  private async request(flush: false, check: CheckRequest): Promise<CheckResults>;
  private async request(
    flush: boolean,
    check?: CheckRequest,
  ): Promise<FlushedWindow[] | CheckResults> {
    const id = this.nextRequest++;
    const done = new Promise<CounterReply>((resolve, reject) =>
      this.pending.set(id, { resolve, reject }),
    );
    this.send(flush ? { type: "flush", id } : { type: "check", id, ...(check as CheckRequest) });
    const reply = await done;
    if (reply.type === "flushed") return reply.windows;
    if (reply.type === "checked") return reply.results;
    throw new VigilError("VIGIL_INTERNAL", reply.type === "failed" ? reply.message : "bad reply");
  }

  /** True when large requests can be checked off the ingest thread (a worker runs). */
  get checksOffThread(): boolean {
    return this.worker !== undefined;
  }

  /**
   * Parses and checks items on the worker, which keeps their digest under the returned
   * ticket: count them by reference (TICKET_SPAN) and release the ticket when the ingest
   * transaction ends, committed or not.
   */
  async check(rules: EventRules, now: number, items: CheckItems): Promise<CheckedTicket> {
    const generation = this.generation;
    const ticket = this.nextRequest;
    const results = await this.request(false, { rules, now, ...items });
    return { ticket, generation, results };
  }

  /** Releases tickets whose events are not to be counted (the transaction failed). */
  release(tickets: CheckedTicket[]): void {
    const mine = tickets.filter((t) => t.generation === this.generation).map((t) => t.ticket);
    if (mine.length > 0 && (this.worker || this.local)) {
      this.send({ type: "release", tickets: mine });
    }
  }

  /**
   * Inside an ingest transaction, after the window's new events were inserted: the batch to
   * count once the transaction commits (post it then; drop it on rollback). `firstSeq` is
   * the seq of the batch's first event; every earlier event of the window is committed.
   */
  async stage(
    tx: Repo,
    config: MonitorConfig,
    key: WindowKey,
    events: (string | number)[],
    firstSeq: number,
    lastSeq: number,
    reference: () => Promise<DatasetProfile | null>,
  ): Promise<CountBatch> {
    const batch: CountBatch = {
      key,
      task: config.task,
      positiveClass: config.positiveClass,
      events,
      lastSeq,
    };
    if (!this.held.has(counterKey(key))) {
      batch.base = await this.loadBase(tx, config, key, firstSeq, reference);
    }
    return batch;
  }

  private async loadBase(
    tx: Repo,
    config: MonitorConfig,
    key: WindowKey,
    firstSeq: number,
    reference: () => Promise<DatasetProfile | null>,
  ): Promise<CounterBase> {
    const rec = await tx.getWindowProfile(key);
    if (!rec) {
      // A new window counts into the bins of the version's reference as it is now; its row
      // is made here so the window exists (for the scheduler, and for repair after a crash).
      const profile = newWindowProfile(
        config.columns,
        binsFromReference(config.columns, await reference()),
      );
      const bytes = serializeDatasetProfile(profile);
      if (!(await tx.insertCountedWindow(key, { data: bytes, eventCount: 0, countedSeq: 0 }))) {
        throw new VigilError("VIGIL_INTERNAL", "A window profile appeared under the write lock.");
      }
      return { bytes, storedSeq: 0, sinceSeq: 0, sinceCount: 0, countedSeq: 0, eventCount: 0 };
    }
    const before = await tx.maxWindowEventSeq(key, firstSeq);
    if (rec.countedSeq === null) {
      // Updated in each transaction so far: it counts every earlier event.
      return {
        bytes: rec.data,
        storedSeq: null,
        sinceSeq: before,
        sinceCount: rec.eventCount,
        countedSeq: before,
        eventCount: rec.eventCount,
      };
    }
    const base: CounterBase = {
      bytes: rec.data,
      storedSeq: rec.countedSeq,
      sinceSeq: rec.countedSeq,
      sinceCount: rec.eventCount,
      countedSeq: rec.countedSeq,
      eventCount: rec.eventCount,
    };
    if (before <= rec.countedSeq) return base;
    // Events another process (or one that stopped) committed but did not write: replay them.
    const profile = deserializeDatasetProfile(rec.data);
    const r = await replayWindowEvents(
      tx,
      key,
      profile,
      config.task,
      config.positiveClass,
      rec.countedSeq,
      firstSeq,
    );
    base.bytes = serializeDatasetProfile(profile);
    base.countedSeq = r.lastSeq;
    base.eventCount += r.events;
    return base;
  }

  /**
   * After the staging transaction committed: count its batches, and release the tickets of
   * its checked requests.
   */
  post(batches: CountBatch[], tickets: CheckedTicket[] = []): void {
    const release = tickets.filter((t) => t.generation === this.generation).map((t) => t.ticket);
    const lost = release.length < tickets.length;
    if (batches.length === 0) {
      if (release.length > 0) this.send({ type: "release", tickets: release });
      return;
    }
    const tick = ++this.tick;
    const send: CountBatch[] = [];
    for (const b of batches) {
      const k = counterKey(b.key);
      if (lost && b.events.some((e) => typeof e === "number")) {
        // Checked by a counter that has since been replaced: replayed from the row instead.
        this.held.delete(k);
        this.stale.set(k, { key: b.key, gen: ++this.staleGen });
        continue;
      }
      if (b.base) this.stale.delete(k);
      else if (!this.held.has(k)) {
        // Dropped while the batch was staged: its events are replayed from the row instead.
        this.stale.set(k, { key: b.key, gen: ++this.staleGen });
        continue;
      }
      this.held.set(k, { tick });
      send.push(b);
    }
    this.countedSinceFlush = true;
    if (send.length > 0 || release.length > 0) {
      if (this.worker) for (const b of send) this.posted += b.events.length;
      this.send({ type: "count", batches: send, release });
    }
  }

  /**
   * Drops windows from the counter; call inside the transaction that rewrote their rows.
   * They are also checked against their raw events at the next flush, in case that
   * transaction does not commit.
   */
  forget(keys: WindowKey[]): void {
    if (keys.length === 0) return;
    const ks = keys.map(counterKey);
    for (const k of ks) this.held.delete(k);
    if (this.worker || this.local) this.send({ type: "forget", keys: ks });
    this.markStale(ks);
  }

  private markStale(keys: string[]): void {
    for (const k of keys) {
      const [m, v, w] = k.split(":").map(Number) as [number, number, number];
      this.stale.set(k, {
        key: { modelId: m, versionId: v, windowStart: w },
        gen: ++this.staleGen,
      });
    }
    if (keys.length > 0) this.countedSinceFlush = true;
  }

  /**
   * Writes every counted event to its window's profile. Resolves once everything counted
   * before the call is stored; concurrent calls share the work.
   */
  flush(): Promise<void> {
    if (this.closed && !this.worker && !this.local) return Promise.resolve();
    if (this.flushing === undefined) {
      this.flushing = this.runFlush().finally(() => {
        this.flushing = undefined;
      });
      return this.flushing;
    }
    this.flushQueued ??= this.flushing
      .catch(() => undefined)
      .then(() => {
        this.flushQueued = undefined;
        return this.flush();
      });
    return this.flushQueued;
  }

  private async runFlush(): Promise<void> {
    this.countedSinceFlush = false;
    const snapshotTick = this.tick;
    const windows = this.worker || this.local ? await this.request(true) : [];
    const stale = [...this.stale];
    if (windows.length === 0 && stale.length === 0) return;
    try {
      await this.store.transaction(async (tx) => {
        const conflicts: WindowKey[] = [];
        for (const w of windows) {
          // Exactly the events counted, and the row as the counter last saw it: otherwise
          // another writer counted into this window too, and it is replayed instead.
          const n = await tx.countWindowEvents(w.key, w.sinceSeq, w.countedSeq);
          const ok =
            n === w.countedSince &&
            (await tx.replaceCountedWindow(
              w.key,
              { data: w.bytes, eventCount: w.eventCount, countedSeq: w.countedSeq },
              w.expectedSeq,
            ));
          if (!ok) {
            conflicts.push(w.key);
            await catchUpWindow(tx, w.key);
          }
        }
        for (const [k, { key }] of stale) if (!this.held.has(k)) await catchUpWindow(tx, key);
        // Inside the transaction: a later ingest transaction sees them dropped and reloads
        // them from the rows written here.
        this.forget(conflicts);
        this.evictIdle(snapshotTick);
      });
      for (const [k, { gen }] of stale) if (this.stale.get(k)?.gen === gen) this.stale.delete(k);
    } catch (err) {
      // The counter took the rows as written: drop them; they are replayed from the rows.
      const keys = windows.map((w) => counterKey(w.key));
      for (const k of keys) this.held.delete(k);
      if (this.worker || this.local) this.send({ type: "forget", keys });
      this.markStale(keys);
      throw err;
    }
  }

  /** Beyond maxWindows, drops windows not counted into since the last flush's snapshot. */
  private evictIdle(snapshotTick: number): void {
    if (this.held.size <= this.maxWindows) return;
    const idle: string[] = [];
    for (const [k, h] of this.held) {
      if (h.tick <= snapshotTick) idle.push(k);
      if (this.held.size - idle.length <= this.maxWindows) break;
    }
    if (idle.length === 0) return;
    for (const k of idle) this.held.delete(k);
    if (this.worker || this.local) this.send({ type: "forget", keys: idle });
  }

  /** Writes what was counted and stops the worker. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.timer) clearInterval(this.timer);
    try {
      await this.flush();
    } finally {
      this.closed = true;
      const w = this.worker;
      this.worker = undefined;
      this.local = undefined;
      this.held.clear();
      for (const p of this.pending.values()) {
        p.reject(new VigilError("VIGIL_SHUTTING_DOWN", "Window profile counting has stopped."));
      }
      this.pending.clear();
      if (w) await w.terminate();
    }
  }
}

/**
 * Replays, for every deferred window, the committed events past its counted seq (what a
 * process counted in memory but had not written when it stopped). Returns the windows
 * repaired.
 */
export async function repairLagging(store: Store): Promise<number> {
  const lagging = await store.laggingWindows();
  let repaired = 0;
  for (const w of lagging) {
    const n = await store.transaction((tx) => catchUpWindow(tx, w.key));
    if (n > 0) repaired++;
  }
  return repaired;
}
