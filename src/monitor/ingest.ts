/**
 * Ingestion of prediction events: validate each event against its model, store the new
 * ones raw and count them into their window's profile, in one transaction that commits
 * before the caller hears back (an acknowledged event is a committed event).
 *
 * Throughput comes from three choices:
 * - Group commit: requests that arrive while a transaction runs wait and go together in the
 *   next one, so the per-commit costs (the fsync, re-encoding each touched window profile)
 *   are paid once per group instead of once per request. Under no load a request commits
 *   alone at once; under load groups grow by themselves. One group runs at a time per store.
 * - Decoded window cache: the profile of each recently written window stays decoded in
 *   memory with the bytes last written. A merge reuses it only when the stored bytes are
 *   still exactly those bytes (another process or a rebuild may have written since), so
 *   several writers on one PostgreSQL stay correct and a single writer never decodes.
 * - Events are counted straight into the window profile in insertion (seq) order, so the
 *   profile equals a replay of the stored raw events (rebuild.ts) byte for byte when one
 *   process writes the window.
 * Duplicate ids are found by the insert itself (ON CONFLICT DO NOTHING RETURNING), so an
 * event is counted once however often it is sent.
 */

import { isDeepStrictEqual } from "node:util";
import { isVigilError, VigilError } from "../errors.js";
import {
  type DatasetProfile,
  deserializeDatasetProfile,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { ModelRecord, Repo, SerializedEventInput, Store, WindowKey } from "../store/index.js";
import { type MonitorConfig, requireMonitorConfig, windowStartOf } from "./config.js";
import { type CheckedTicket, catchUpWindow, type DeferredProfiles } from "./deferred-profiles.js";
import {
  checkEvent,
  type EventRules,
  eventRules,
  hasError,
  type IncomingItem,
  isRejection,
  type Rejection,
} from "./events.js";
import { keepsPayload, sampledOutPayload } from "./ingest-payload.js";
import type { IngestStages } from "./ingest-stages.js";
import { parseIncoming } from "./request-items.js";
import { type CountBatch, TICKET_SPAN } from "./window-counter.js";
import { binsFromReference, EventProfiler, newWindowProfile } from "./window-profile.js";

export { isSampledOut, keepsPayload, sampledOutPayload } from "./ingest-payload.js";
export { INGEST_STAGES, type IngestStages } from "./ingest-stages.js";

/** What one ingest request did. */
export interface IngestOutcome {
  /** Events stored (and profiled) for the first time. */
  accepted: number;
  /** Valid events whose id was already stored (retries); not counted again. */
  duplicates: number;
  /** Events refused, by index. */
  rejected: Rejection[];
  /** Accepted events per version label. */
  acceptedByVersion: Record<string, number>;
  /** Accepted events that reported an error, per version label. */
  errorsByVersion: Record<string, number>;
  /** latency_ms of the accepted events that had one, per version label. */
  latenciesMsByVersion: Record<string, number[]>;
  /** Where the request's time went, from its arrival at the ingestor to its answer. */
  stagesMs: IngestStages;
}

export interface IngestorOptions {
  /**
   * Events per transaction before the queue starts a new group (default 2500): larger groups
   * share the per-commit work over more events, smaller ones bound a request's latency.
   */
  maxGroupEvents?: number;
  /** Decoded window profiles kept in memory (default 32). */
  cachedWindows?: number;
  /**
   * Count events into window profiles after the commit instead of inside it (SQLite;
   * deferred-profiles.ts), for models that keep every payload. Started by the caller.
   */
  deferred?: DeferredProfiles;
}

interface Pending {
  model: string;
  items: IncomingItem[];
  now: number;
  /** performance.now() at arrival, after the check, when grouped, and when admitted. */
  arrived: number;
  checkedAt: number;
  groupedAt: number;
  admittedAt: number;
  /** Items parsed and checked by the profile worker, against rules with this stamp. */
  checked?: { ticket: CheckedTicket; stamp: string };
  resolve(o: IngestOutcome): void;
  reject(e: unknown): void;
}

interface CacheEntry {
  bytes: Uint8Array;
  profile: DatasetProfile;
}

/** Windows an ingest transaction touched and the events counted into each. */
interface WindowBatch {
  key: WindowKey;
  /** The parsed events (in-transaction counting). */
  events: Record<string, unknown>[];
  /** Deferred counting: each event's stored JSON text, or its reference on the worker. */
  texts: (string | number)[];
  seqs: number[];
}

/** Requests with fewer items are checked on the ingest thread: a round trip to the worker costs more. */
const OFF_THREAD_MIN_ITEMS = 16;
/**
 * Events sent to the profile worker and not counted yet before the next transaction waits:
 * the back-pressure that keeps counting from falling behind for good. About ten groups: the
 * worker holds a checked request's texts and digest (about 0.7 KB per event) until it counts
 * them. While it held the parsed events instead, a backlog over 5,000 made its garbage
 * collections, and so the checks, slower; with digests, 25,000 took the rated benchmark's
 * p99 from 134-311 ms to 70-98 ms (bench/README.md).
 */
const MAX_COUNT_BACKLOG = 25_000;

/** A model row's monitoring configuration, parsed, with the event rules it implies. */
interface ParsedConfig {
  model: ModelRecord;
  config: MonitorConfig;
  rules: EventRules;
  /** Identifies the rules: an off-thread check made against other rules is redone. */
  stamp: string;
}

/**
 * A valid event of a request, checked here or on the profile worker. Every field is always
 * set (one object shape: these are made and read once per event on the ingest thread).
 */
interface Accepted {
  index: number;
  id: string;
  version: string;
  timestamp: number;
  /** The JSON text received (stored as is). */
  text: string | undefined;
  /** The parsed event; undefined when checked on the worker, which holds it (`ref`). */
  event: Record<string, unknown> | undefined;
  ref: number | undefined;
  error: boolean;
  latency: number | undefined;
  line: number | undefined;
}

function emptyOutcome(): IngestOutcome {
  return {
    accepted: 0,
    duplicates: 0,
    rejected: [],
    acceptedByVersion: {},
    errorsByVersion: {},
    latenciesMsByVersion: {},
    stagesMs: { check: 0, queue: 0, backlog: 0, commit: 0, sync: 0 },
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function windowCacheKey(key: WindowKey): string {
  return `${key.modelId}:${key.versionId}:${key.windowStart}`;
}

export class Ingestor {
  private readonly queue: Pending[] = [];
  private running = false;
  private readonly cache = new Map<string, CacheEntry>();
  /** Per model name: the event rules last read in a transaction, for off-thread checks. */
  private readonly rules = new Map<string, { rules: EventRules; stamp: string }>();
  /**
   * Per model name: the configuration parsed from the model row last read. Every
   * transaction still reads the row (another process may have changed it); the parse, which
   * cost more than the read, is redone only when the row differs.
   */
  private readonly configs = new Map<string, ParsedConfig>();
  /** `${modelId}\0${version}` -> version id (versions are never deleted). */
  private readonly versions = new Map<string, number>();
  /** versionId -> the decoded reference profile and when it was stored. */
  private readonly references = new Map<
    number,
    { updatedAt: number; profile: DatasetProfile | null }
  >();
  private readonly maxGroupEvents: number;
  private readonly cachedWindows: number;
  private readonly deferred: DeferredProfiles | undefined;

  constructor(
    private readonly store: Store,
    opts: IngestorOptions = {},
  ) {
    this.maxGroupEvents = opts.maxGroupEvents ?? 2500;
    this.cachedWindows = opts.cachedWindows ?? 32;
    this.deferred = opts.deferred;
  }

  /**
   * Validates and stores a request's events for `model`; resolves once they are committed.
   * Rejects (the whole request) with VIGIL_MODEL_NOT_FOUND, VIGIL_INVALID_MONITOR_CONFIG
   * (no schema yet) or a store error; per-event problems are in the outcome's `rejected`.
   */
  async ingest(model: string, items: IncomingItem[], now: number): Promise<IngestOutcome> {
    const arrived = performance.now();
    const checked = await this.checkOffThread(model, items, now);
    const checkedAt = performance.now();
    return new Promise((resolve, reject) => {
      const p: Pending = {
        model,
        items,
        now,
        arrived,
        checkedAt,
        groupedAt: checkedAt,
        admittedAt: checkedAt,
        resolve,
        reject,
      };
      if (checked) p.checked = checked;
      this.queue.push(p);
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /**
   * A large request of unparsed items for a model seen before, with a profile worker: its
   * items are parsed and checked there (the ingest thread's largest cost after SQLite),
   * against the model's rules as last read. The transaction checks that the rules are
   * still those, else it checks the items itself.
   */
  private async checkOffThread(
    model: string,
    items: IncomingItem[],
    now: number,
  ): Promise<Pending["checked"]> {
    const d = this.deferred;
    if (!d?.checksOffThread || items.length < OFF_THREAD_MIN_ITEMS) return undefined;
    const rules = this.rules.get(model);
    if (!rules) return undefined;
    const texts: string[] = new Array(items.length);
    let lines: number[] | null = null;
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as IncomingItem;
      if (!item.unparsed) return undefined;
      texts[i] = item.text as string;
      if (item.line !== undefined) {
        lines ??= new Array(items.length);
        lines[i] = item.line;
      }
    }
    try {
      const ticket = await d.check(rules.rules, now, { texts, lines });
      this.offThreadChecks++;
      return { ticket, stamp: rules.stamp };
    } catch {
      // The worker failed or was replaced: the transaction checks the items.
      return undefined;
    }
  }

  /** Forgets every decoded window (tests; after a repair that rewrote profiles). */
  clearCache(): void {
    this.cache.clear();
    this.references.clear();
  }

  /** Requests whose items the profile worker checked (tests and diagnostics). */
  offThreadChecks = 0;

  /** Decoded windows currently cached (tests and diagnostics). */
  get cachedWindowCount(): number {
    return this.cache.size;
  }

  /**
   * Commits the queue group by group. It starts, and continues after each group, only once
   * the event loop has taken in what arrived meanwhile (setImmediate runs after the I/O
   * poll): on SQLite a whole transaction runs without yielding (the driver is synchronous),
   * so without this pause every request would commit alone.
   */
  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        let events = 0;
        let n = 0;
        while (n < this.queue.length) {
          const size = (this.queue[n] as Pending).items.length;
          if (n > 0 && events + size > this.maxGroupEvents) break;
          events += size;
          n++;
        }
        const group = this.queue.splice(0, n);
        const groupedAt = performance.now();
        // Counting on the worker thread must keep up (it holds the checked digests meanwhile).
        if (this.deferred) await this.deferred.belowBacklog(MAX_COUNT_BACKLOG);
        const admittedAt = performance.now();
        for (const p of group) {
          p.groupedAt = groupedAt;
          p.admittedAt = admittedAt;
        }
        await this.commitGroup(group);
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.running = false;
    }
  }

  private async commitGroup(group: Pending[]): Promise<void> {
    const outcomes = group.map(emptyOutcome);
    const failures: (unknown | undefined)[] = group.map(() => undefined);
    const written: [string, CacheEntry][] = [];
    const staged: CountBatch[] = [];
    const tickets: CheckedTicket[] = [];
    for (const p of group) if (p.checked) tickets.push(p.checked.ticket);
    let durable: Promise<void>;
    try {
      ({ durable } = await this.store.transactionCommitted(async (tx) => {
        const byModel = new Map<string, number[]>();
        group.forEach((p, i) => {
          const list = byModel.get(p.model);
          if (list) list.push(i);
          else byModel.set(p.model, [i]);
        });
        for (const [name, indices] of byModel) {
          const model = await tx.getModel(name);
          if (!model) {
            const err = new VigilError("VIGIL_MODEL_NOT_FOUND", `No model is named "${name}".`);
            for (const i of indices) failures[i] = err;
            continue;
          }
          let parsed: ParsedConfig;
          try {
            parsed = this.parsedConfig(model);
          } catch (err) {
            for (const i of indices) failures[i] = err;
            continue;
          }
          await this.ingestModel(
            tx,
            parsed,
            indices.map((i) => ({
              pending: group[i] as Pending,
              outcome: outcomes[i] as IngestOutcome,
            })),
            written,
            staged,
          );
        }
      }));
    } catch (err) {
      this.deferred?.release(tickets);
      for (const p of group) p.reject(err);
      return;
    }
    const committedAt = performance.now();
    for (const [k, entry] of written) this.remember(k, entry);
    this.deferred?.post(staged, tickets);
    // Answered once the commit is on disk; the next group may commit meanwhile.
    durable.then(
      () => {
        const syncedAt = performance.now();
        group.forEach((p, i) => {
          const failure = failures[i];
          if (failure !== undefined) p.reject(failure);
          else {
            const o = outcomes[i] as IngestOutcome;
            o.rejected.sort((a, b) => a.index - b.index);
            const st = o.stagesMs;
            st.check = p.checkedAt - p.arrived;
            st.queue = p.groupedAt - p.checkedAt;
            st.backlog = p.admittedAt - p.groupedAt;
            st.commit = committedAt - p.admittedAt;
            st.sync = syncedAt - committedAt;
            p.resolve(o);
          }
        });
      },
      (err: unknown) => {
        for (const p of group) p.reject(err);
      },
    );
  }

  private parsedConfig(model: ModelRecord): ParsedConfig {
    const cached = this.configs.get(model.name);
    if (cached && isDeepStrictEqual(cached.model, model)) return cached;
    const config = requireMonitorConfig(model);
    const rules = eventRules(config);
    const parsed = { model, config, rules, stamp: JSON.stringify([model.id, rules]) };
    this.configs.set(model.name, parsed);
    return parsed;
  }

  private async ingestModel(
    tx: Repo,
    { config, rules, stamp }: ParsedConfig,
    requests: { pending: Pending; outcome: IngestOutcome }[],
    written: [string, CacheEntry][],
    staged: CountBatch[],
  ): Promise<void> {
    const modelId = config.model.id;
    this.rules.set(config.model.name, { rules, stamp });
    const deferred = config.settings.ingest.sampleRate >= 1 ? this.deferred : undefined;
    const checked: { ev: Accepted; outcome: IngestOutcome }[] = [];
    const names = new Set<string>();
    for (const { pending, outcome } of requests) {
      const pre = pending.checked;
      if (pre && deferred && pre.stamp === stamp) {
        // Checked on the worker against these very rules; it holds their digest.
        const base = pre.ticket.ticket * TICKET_SPAN;
        const r = pre.ticket.results;
        for (const rejection of r.rejections) outcome.rejected.push(rejection);
        const items = pending.items;
        for (let index = 0; index < r.ids.length; index++) {
          const id = r.ids[index];
          if (id === null || id === undefined) continue;
          const version = r.versions[index] as string;
          const latency = r.latencies[index] as number;
          const item = items[index] as IncomingItem;
          checked.push({
            ev: {
              index,
              id,
              version,
              timestamp: r.timestamps[index] as number,
              text: item.text,
              event: undefined,
              ref: base + index,
              error: r.errors[index] === 1,
              latency: Number.isNaN(latency) ? undefined : latency,
              line: item.line,
            },
            outcome,
          });
          names.add(version);
        }
        continue;
      }
      const ctx = { config, now: pending.now };
      pending.items.forEach((item, index) => {
        const r = checkEvent(parseIncoming(item), index, ctx);
        if (isRejection(r)) outcome.rejected.push(r);
        else {
          const latency = r.event.latency_ms;
          const ev: Accepted = {
            index: r.index,
            id: r.id,
            version: r.version,
            timestamp: r.timestamp,
            text: r.text,
            event: r.event,
            ref: undefined,
            error: hasError(r.event.error),
            latency: typeof latency === "number" ? latency : undefined,
            line: r.line,
          };
          checked.push({ ev, outcome });
          names.add(r.version);
        }
      });
    }
    if (checked.length === 0) return;
    const versionIds = await this.resolveVersions(tx, config, names);

    const rows: SerializedEventInput[] = [];
    const kept: { ev: Accepted; outcome: IngestOutcome; versionId: number }[] = [];
    const { sampleRate } = config.settings.ingest;
    for (const { ev, outcome } of checked) {
      const versionId = versionIds.get(ev.version);
      if (versionId === undefined) {
        outcome.rejected.push({
          index: ev.index,
          id: ev.id,
          field: "version",
          reason: `model "${config.model.name}" has no version "${ev.version}"; create it first (POST /api/v1/models/${config.model.name}/versions) or set settings.ingest.autoCreateVersions`,
          code: "VIGIL_VERSION_NOT_FOUND",
          ...(ev.line !== undefined ? { line: ev.line } : {}),
        });
        continue;
      }
      // (An event checked off-thread always has its text, and keeps its payload: sampleRate 1.)
      const payloadJson = keepsPayload(ev.id, sampleRate)
        ? (ev.text ?? JSON.stringify(ev.event))
        : sampledOutPayload(ev.event as Record<string, unknown>);
      rows.push({
        id: ev.id,
        versionId,
        timestamp: ev.timestamp,
        windowStart: windowStartOf(ev.timestamp, config.windowMs),
        payloadJson,
      });
      kept.push({ ev, outcome, versionId });
    }
    if (rows.length === 0) return;
    const { insertedIds, insertedSeqs } = await tx.insertEventsReturningIds(modelId, rows);
    const fresh = new Map<string, number>();
    for (let i = 0; i < insertedIds.length; i++) {
      fresh.set(insertedIds[i] as string, insertedSeqs[i] as number);
    }
    // rows[i] belongs to kept[i].
    const windows = new Map<string, WindowBatch>();
    for (let i = 0; i < kept.length; i++) {
      const { ev, outcome, versionId } = kept[i] as (typeof kept)[number];
      const seq = fresh.get(ev.id);
      if (seq === undefined) {
        outcome.duplicates++;
        continue;
      }
      // A later occurrence of the id in this request is a duplicate.
      fresh.delete(ev.id);
      outcome.accepted++;
      const v = ev.version;
      outcome.acceptedByVersion[v] = (outcome.acceptedByVersion[v] ?? 0) + 1;
      if (ev.error) outcome.errorsByVersion[v] = (outcome.errorsByVersion[v] ?? 0) + 1;
      const latency = ev.latency;
      if (latency !== undefined) {
        const list = outcome.latenciesMsByVersion[v];
        if (list) list.push(latency);
        else outcome.latenciesMsByVersion[v] = [latency];
      }
      const key: WindowKey = {
        modelId,
        versionId,
        windowStart: (rows[i] as SerializedEventInput).windowStart,
      };
      const k = windowCacheKey(key);
      let batch = windows.get(k);
      if (!batch) {
        batch = { key, events: [], texts: [], seqs: [] };
        windows.set(k, batch);
      }
      if (ev.event) batch.events.push(ev.event);
      batch.texts.push(ev.ref ?? (rows[i] as SerializedEventInput).payloadJson);
      batch.seqs.push(seq);
    }
    for (const [k, batch] of windows) {
      if (deferred) {
        staged.push(await this.stageWindow(tx, config, deferred, batch));
        continue;
      }
      if (this.deferred) {
        // A window counted with deferral so far (the model sampled nothing until now):
        // bring its row up to date and back to in-transaction counting first.
        const row = await tx.getWindowCountedSeq(batch.key);
        if (row && row.countedSeq !== null) {
          await catchUpWindow(tx, batch.key, { toNull: true, beforeSeq: Math.min(...batch.seqs) });
          this.deferred.forget([batch.key]);
        }
      }
      written.push([k, await this.mergeWindow(tx, config, k, batch)]);
    }
  }

  /** The deferred count of a window's new events, in seq order. */
  private async stageWindow(
    tx: Repo,
    config: MonitorConfig,
    deferred: DeferredProfiles,
    batch: WindowBatch,
  ): Promise<CountBatch> {
    let { texts, seqs } = batch;
    if (texts.length !== seqs.length) throw new VigilError("VIGIL_INTERNAL", "unbalanced batch");
    // Rows are inserted in order, so seqs increase; sorted anyway if a driver reorders.
    for (let i = 1; i < seqs.length; i++) {
      if ((seqs[i] as number) <= (seqs[i - 1] as number)) {
        const order = seqs
          .map((_, j) => j)
          .sort((a, b) => (seqs[a] as number) - (seqs[b] as number));
        texts = order.map((j) => texts[j] as string | number);
        seqs = order.map((j) => seqs[j] as number);
        break;
      }
    }
    return deferred.stage(
      tx,
      config,
      batch.key,
      texts,
      seqs[0] as number,
      seqs[seqs.length - 1] as number,
      () => this.reference(tx, batch.key.versionId),
    );
  }

  /** Version ids by name; unknown ones are created when the model allows it. */
  private async resolveVersions(
    tx: Repo,
    config: MonitorConfig,
    names: Set<string>,
  ): Promise<Map<string, number>> {
    const modelId = config.model.id;
    const out = new Map<string, number>();
    for (const name of names) {
      const cacheKey = `${modelId}\u0000${name}`;
      let id = this.versions.get(cacheKey);
      if (id === undefined) {
        let v = await tx.getVersion(modelId, name);
        if (!v && config.settings.ingest.autoCreateVersions) {
          try {
            v = await tx.createVersion(modelId, {
              version: name,
              metadata: { createdBy: "ingest" },
            });
          } catch (err) {
            // Another writer created it first (no statement failed: the insert skips).
            if (!isVigilError(err) || err.code !== "VIGIL_ALREADY_EXISTS") throw err;
            v = await tx.getVersion(modelId, name);
          }
        }
        if (v) {
          id = v.id;
          this.versions.set(cacheKey, id);
        }
      }
      if (id !== undefined) out.set(name, id);
    }
    return out;
  }

  /** The version's reference profile, decoded once per upload. */
  private async reference(tx: Repo, versionId: number): Promise<DatasetProfile | null> {
    const rec = await tx.getReferenceProfile(versionId);
    if (!rec) {
      this.references.delete(versionId);
      return null;
    }
    const cached = this.references.get(versionId);
    if (cached && cached.updatedAt === rec.updatedAt) return cached.profile;
    let profile: DatasetProfile | null;
    try {
      profile = deserializeDatasetProfile(rec.data);
    } catch {
      // A corrupt reference must not stop ingestion: windows are then made without bins.
      profile = null;
    }
    this.references.set(versionId, { updatedAt: rec.updatedAt, profile });
    return profile;
  }

  private async mergeWindow(
    tx: Repo,
    config: MonitorConfig,
    k: string,
    batch: WindowBatch,
  ): Promise<CacheEntry> {
    let result: CacheEntry | undefined;
    await tx.mergeWindowProfile(
      batch.key,
      async (current) => {
        let profile: DatasetProfile;
        const cached = this.cache.get(k);
        if (current === undefined) {
          // A new window counts into the bins of the version's reference as it is now.
          const reference = await this.reference(tx, batch.key.versionId);
          profile = newWindowProfile(config.columns, binsFromReference(config.columns, reference));
        } else if (cached && sameBytes(cached.bytes, current)) {
          // Taken out of the cache: it is put back only if the transaction commits.
          this.cache.delete(k);
          profile = cached.profile;
        } else {
          this.cache.delete(k);
          profile = deserializeDatasetProfile(current);
        }
        const profiler = new EventProfiler(profile, config.task, config.positiveClass);
        for (const e of batch.events) profiler.add(e);
        const bytes = serializeDatasetProfile(profile);
        result = { bytes, profile };
        return bytes;
      },
      { eventCount: batch.events.length },
    );
    return result as CacheEntry;
  }

  private remember(k: string, entry: CacheEntry): void {
    this.cache.delete(k);
    this.cache.set(k, entry);
    while (this.cache.size > this.cachedWindows) {
      this.cache.delete(this.cache.keys().next().value as string);
    }
  }
}

const ingestors = new WeakMap<Store, Ingestor>();

/** The process's ingestor for a store (one queue and one window cache per store). */
export function ingestorFor(store: Store): Ingestor {
  let i = ingestors.get(store);
  if (!i) {
    i = new Ingestor(store);
    ingestors.set(store, i);
  }
  return i;
}
