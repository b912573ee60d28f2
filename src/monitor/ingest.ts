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
import { isVigilError, VigilError } from "../errors.js";
import {
  type DatasetProfile,
  deserializeDatasetProfile,
  hashOut,
  hashString,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { Repo, SerializedEventInput, Store, WindowKey } from "../store/index.js";
import { type MonitorConfig, requireMonitorConfig, windowStartOf } from "./config.js";
import {
  type CheckedEvent,
  checkEvent,
  hasError,
  type IncomingItem,
  isRejection,
  type Rejection,
} from "./events.js";
import { binsFromReference, EventProfiler, newWindowProfile } from "./window-profile.js";

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
}

export interface IngestorOptions {
  /**
   * Events per transaction before the queue starts a new group (default 2500): larger groups
   * share the per-commit work over more events, smaller ones bound a request's latency.
   */
  maxGroupEvents?: number;
  /** Decoded window profiles kept in memory (default 32). */
  cachedWindows?: number;
}

interface Pending {
  model: string;
  items: IncomingItem[];
  now: number;
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
  events: Record<string, unknown>[];
}

function emptyOutcome(): IngestOutcome {
  return {
    accepted: 0,
    duplicates: 0,
    rejected: [],
    acceptedByVersion: {},
    errorsByVersion: {},
    latenciesMsByVersion: {},
  };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

/** Whether an event's full payload is stored: a hash of its id against the sample rate. */
export function keepsPayload(id: string, sampleRate: number): boolean {
  if (sampleRate >= 1) return true;
  hashString(id);
  return (hashOut[0] as number) / 4_294_967_296 < sampleRate;
}

/** The stored form of a sampled-out event: its outputs, not its inputs. */
export function sampledOutPayload(e: Record<string, unknown>): string {
  return JSON.stringify({
    sampledOut: true,
    prediction: e.prediction,
    scores: e.scores,
    latency_ms: e.latency_ms,
    error: e.error,
  });
}

/** True for a stored payload written by sampledOutPayload. */
export function isSampledOut(payload: unknown): boolean {
  return (
    typeof payload === "object" &&
    payload !== null &&
    (payload as Record<string, unknown>).sampledOut === true
  );
}

export function windowCacheKey(key: WindowKey): string {
  return `${key.modelId}:${key.versionId}:${key.windowStart}`;
}

export class Ingestor {
  private readonly queue: Pending[] = [];
  private running = false;
  private readonly cache = new Map<string, CacheEntry>();
  /** `${modelId}\0${version}` -> version id (versions are never deleted). */
  private readonly versions = new Map<string, number>();
  /** versionId -> the decoded reference profile and when it was stored. */
  private readonly references = new Map<
    number,
    { updatedAt: number; profile: DatasetProfile | null }
  >();
  private readonly maxGroupEvents: number;
  private readonly cachedWindows: number;

  constructor(
    private readonly store: Store,
    opts: IngestorOptions = {},
  ) {
    this.maxGroupEvents = opts.maxGroupEvents ?? 2500;
    this.cachedWindows = opts.cachedWindows ?? 32;
  }

  /**
   * Validates and stores a request's events for `model`; resolves once they are committed.
   * Rejects (the whole request) with VIGIL_MODEL_NOT_FOUND, VIGIL_INVALID_MONITOR_CONFIG
   * (no schema yet) or a store error; per-event problems are in the outcome's `rejected`.
   */
  ingest(model: string, items: IncomingItem[], now: number): Promise<IngestOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ model, items, now, resolve, reject });
      if (!this.running) {
        this.running = true;
        setImmediate(() => void this.drain());
      }
    });
  }

  /** Forgets every decoded window (tests; after a repair that rewrote profiles). */
  clearCache(): void {
    this.cache.clear();
    this.references.clear();
  }

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
        await this.commitGroup(this.queue.splice(0, n));
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
    try {
      await this.store.transaction(async (tx) => {
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
          let config: MonitorConfig;
          try {
            config = requireMonitorConfig(model);
          } catch (err) {
            for (const i of indices) failures[i] = err;
            continue;
          }
          await this.ingestModel(
            tx,
            config,
            indices.map((i) => ({
              pending: group[i] as Pending,
              outcome: outcomes[i] as IngestOutcome,
            })),
            written,
          );
        }
      });
    } catch (err) {
      for (const p of group) p.reject(err);
      return;
    }
    for (const [k, entry] of written) this.remember(k, entry);
    group.forEach((p, i) => {
      const failure = failures[i];
      if (failure !== undefined) p.reject(failure);
      else {
        const o = outcomes[i] as IngestOutcome;
        o.rejected.sort((a, b) => a.index - b.index);
        p.resolve(o);
      }
    });
  }

  private async ingestModel(
    tx: Repo,
    config: MonitorConfig,
    requests: { pending: Pending; outcome: IngestOutcome }[],
    written: [string, CacheEntry][],
  ): Promise<void> {
    const modelId = config.model.id;
    const checked: { ev: CheckedEvent; outcome: IngestOutcome }[] = [];
    const names = new Set<string>();
    for (const { pending, outcome } of requests) {
      const ctx = { config, now: pending.now };
      pending.items.forEach((item, index) => {
        const r = checkEvent(item, index, ctx);
        if (isRejection(r)) outcome.rejected.push(r);
        else {
          checked.push({ ev: r, outcome });
          names.add(r.version);
        }
      });
    }
    if (checked.length === 0) return;
    const versionIds = await this.resolveVersions(tx, config, names);

    const rows: SerializedEventInput[] = [];
    const kept: { ev: CheckedEvent; outcome: IngestOutcome; versionId: number }[] = [];
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
      const payloadJson = keepsPayload(ev.id, sampleRate)
        ? (ev.text ?? JSON.stringify(ev.event))
        : sampledOutPayload(ev.event);
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
    const { insertedIds } = await tx.insertEventsReturningIds(modelId, rows);
    const fresh = new Set(insertedIds);
    // rows[i] belongs to kept[i].
    const windows = new Map<string, WindowBatch>();
    for (let i = 0; i < kept.length; i++) {
      const { ev, outcome, versionId } = kept[i] as (typeof kept)[number];
      if (!fresh.delete(ev.id)) {
        outcome.duplicates++;
        continue;
      }
      outcome.accepted++;
      const v = ev.version;
      outcome.acceptedByVersion[v] = (outcome.acceptedByVersion[v] ?? 0) + 1;
      if (hasError(ev.event.error))
        outcome.errorsByVersion[v] = (outcome.errorsByVersion[v] ?? 0) + 1;
      const latency = ev.event.latency_ms;
      if (typeof latency === "number") {
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
        batch = { key, events: [] };
        windows.set(k, batch);
      }
      batch.events.push(ev.event);
    }
    for (const [k, batch] of windows) {
      written.push([k, await this.mergeWindow(tx, config, k, batch)]);
    }
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
