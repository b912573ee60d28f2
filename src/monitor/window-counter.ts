/**
 * The worker side of deferred window profiles (deferred-profiles.ts):
 * - checking events: a large request's items are parsed and checked here (checkEvent, the
 *   same function the ingest thread runs), and their texts and digest (the values each
 *   profile column will receive) are kept by ticket until the ingest transaction ends;
 * - counting: decoded window profiles that committed events are counted into, in seq
 *   order, each event parsed from the JSON text stored for it (or taken from the digest of
 *   its check), which is exactly what a rebuild from raw events replays (rebuild.ts), so
 *   the result is the same bytes.
 * Runs in a worker thread (profile-worker.ts) or, where there is no compiled worker file,
 * on the caller's thread; both speak the messages below.
 */
import {
  type DatasetProfile,
  deserializeDatasetProfile,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { ModelTask, WindowKey } from "../store/types.js";
import {
  checkEvent,
  type EventRules,
  hasError,
  type IncomingItem,
  isRejection,
  type Rejection,
} from "./events.js";
import { profileColumns } from "./layout.js";
import {
  binsFromReference,
  type EventDigest,
  EventProfiler,
  newWindowProfile,
} from "./window-profile.js";

/** The value a refused item has in its request's digest (never counted). */
const NO_EVENT: Record<string, unknown> = Object.freeze({});

/** Items per ticket are addressed as ticket * TICKET_SPAN + index. */
export const TICKET_SPAN = 2 ** 21;

/** A request's items to check: their JSON texts as split, and NDJSON line numbers. */
export interface CheckItems {
  texts: string[];
  lines: number[] | null;
}

/**
 * What the ingest thread needs of each checked item to store it and answer, by item index
 * (columns, not an object per event: they cross threads by structured clone).
 */
export interface CheckResults {
  /** The event's id, or null when it was refused (see rejections). */
  ids: (string | null)[];
  versions: string[];
  timestamps: Float64Array;
  /** 1 when the event reports an error. */
  errors: Uint8Array;
  /** latency_ms, NaN when the event has none. */
  latencies: Float64Array;
  /** The refused items, in index order. */
  rejections: Rejection[];
}

/** Where a window's in-memory profile starts: a stored profile and what it covers. */
export interface CounterBase {
  bytes: Uint8Array;
  /** The stored row's counted seq: the compare-and-set value of the next write. */
  storedSeq: number | null;
  /**
   * The next write is checked against the raw events after this seq: the window must hold
   * exactly `eventCount - sinceCount` events with sinceSeq < seq <= countedSeq.
   */
  sinceSeq: number;
  sinceCount: number;
  /** The last event seq `bytes` counts (a base may include events replayed from the store). */
  countedSeq: number;
  /** Events `bytes` counts. */
  eventCount: number;
}

/** Committed events of one window, in seq order. */
export interface CountBatch {
  key: WindowKey;
  /** Present when the counter does not hold the window yet. */
  base?: CounterBase;
  task: ModelTask;
  positiveClass: string;
  /**
   * Each event, in seq order: its stored JSON text, or (a number) the reference of the same
   * text parsed when it was checked: ticket * TICKET_SPAN + index.
   */
  events: (string | number)[];
  /** The seq of the last event of `texts`. */
  lastSeq: number;
}

/** A window's profile to write (the counter assumes the write succeeds; see forget). */
export interface FlushedWindow {
  key: WindowKey;
  bytes: Uint8Array;
  countedSeq: number;
  eventCount: number;
  /** The row must still have this counted seq for the write to apply. */
  expectedSeq: number | null;
  /** The window must hold exactly `countedSince` events with sinceSeq < seq <= countedSeq. */
  sinceSeq: number;
  countedSince: number;
}

export type CounterRequest =
  | ({ type: "check"; id: number; rules: EventRules; now: number } & CheckItems)
  | { type: "count"; batches: CountBatch[]; release: number[] }
  | { type: "release"; tickets: number[] }
  | { type: "flush"; id: number }
  | { type: "forget"; keys: string[] | null }
  /** Several of the above in one message, in order (worker thread). */
  | { type: "batch"; requests: CounterRequest[] };

export type CounterReply =
  | { type: "checked"; id: number; results: CheckResults }
  | { type: "flushed"; id: number; windows: FlushedWindow[] }
  /** Events counted since the worker started (worker thread only). */
  | { type: "progress"; counted: number }
  | { type: "failed"; id: number | null; check?: boolean; message: string };

export function counterKey(key: WindowKey): string {
  return `${key.modelId}:${key.versionId}:${key.windowStart}`;
}

interface Held {
  key: WindowKey;
  profile: DatasetProfile;
  profiler: EventProfiler;
  task: ModelTask;
  positiveClass: string;
  storedSeq: number | null;
  sinceSeq: number;
  sinceCount: number;
  countedSeq: number;
  eventCount: number;
}

/** A checked request, held until its events are counted or released. */
interface Ticket {
  /** Each item's JSON text (counted from when the window's layout is not the digest's). */
  texts: string[];
  /** The items' column values, in the layout of the rules they were checked against. */
  digest: EventDigest;
}

export class WindowCounter {
  private readonly windows = new Map<string, Held>();
  /** Checked requests, by ticket (the check's id), until released. */
  private readonly tickets = new Map<number, Ticket>();
  /** A profiler in the layout a model's rules give new windows, per rules (digests only). */
  private readonly digesters = new Map<string, EventProfiler>();

  get size(): number {
    return this.windows.size;
  }

  /** Tickets held (tests: every ticket is released). */
  get ticketCount(): number {
    return this.tickets.size;
  }

  handle(req: CounterRequest): CounterReply | undefined {
    switch (req.type) {
      case "check":
        return { type: "checked", id: req.id, results: this.check(req) };
      case "count":
        try {
          for (const b of req.batches) this.count(b);
        } finally {
          for (const t of req.release) this.tickets.delete(t);
        }
        return undefined;
      case "release":
        for (const t of req.tickets) this.tickets.delete(t);
        return undefined;
      case "flush":
        return { type: "flushed", id: req.id, windows: this.flush() };
      case "forget":
        this.forget(req.keys);
        return undefined;
      case "batch":
        // The worker thread unpacks batches itself (profile-worker.ts); here, in order.
        for (const r of req.requests) this.handle(r);
        return undefined;
    }
  }

  /**
   * Parses and checks a request's items; keeps their texts and digest under the ticket
   * (the parsed events are dropped at once: see EventDigest).
   */
  check(req: { id: number; rules: EventRules; now: number } & CheckItems): CheckResults {
    const ctx = { config: req.rules, now: req.now };
    const { texts, lines } = req;
    const n = texts.length;
    // Refused items get an empty event: their place in the digest is never counted.
    const values: Record<string, unknown>[] = new Array(n).fill(NO_EVENT);
    const out: CheckResults = {
      ids: new Array(n),
      versions: new Array(n),
      timestamps: new Float64Array(n),
      errors: new Uint8Array(n),
      latencies: new Float64Array(n),
      rejections: [],
    };
    for (let i = 0; i < n; i++) {
      const text = texts[i] as string;
      let item: IncomingItem;
      try {
        item = { value: JSON.parse(text), text };
      } catch (err) {
        item = { value: undefined, parseError: err instanceof Error ? err.message : String(err) };
      }
      if (lines) item.line = lines[i] as number;
      const r = checkEvent(item, i, ctx);
      if (isRejection(r)) {
        out.ids[i] = null;
        out.versions[i] = "";
        out.rejections.push(r);
        continue;
      }
      values[i] = r.event;
      const e = r.event;
      out.ids[i] = r.id;
      out.versions[i] = r.version;
      out.timestamps[i] = r.timestamp;
      out.errors[i] = hasError(e.error) ? 1 : 0;
      out.latencies[i] = typeof e.latency_ms === "number" ? e.latency_ms : Number.NaN;
    }
    this.tickets.set(req.id, { texts, digest: this.digester(req.rules).digest(values) });
    return out;
  }

  /** The profiler whose layout a window made under these rules has (layout.ts, config.ts). */
  private digester(rules: EventRules): EventProfiler {
    const key = JSON.stringify([rules.task, rules.positiveClass, rules.schema.features]);
    let p = this.digesters.get(key);
    if (p === undefined) {
      if (this.digesters.size >= 16) this.digesters.clear();
      const columns = profileColumns(rules.task, { features: rules.schema.features });
      const profile = newWindowProfile(columns, binsFromReference(columns, null));
      p = new EventProfiler(profile, rules.task, rules.positiveClass);
      this.digesters.set(key, p);
    }
    return p;
  }

  count(batch: CountBatch): void {
    const k = counterKey(batch.key);
    let held = this.windows.get(k);
    if (batch.base) {
      const b = batch.base;
      const profile = deserializeDatasetProfile(b.bytes);
      held = {
        key: batch.key,
        profile,
        profiler: new EventProfiler(profile, batch.task, batch.positiveClass),
        task: batch.task,
        positiveClass: batch.positiveClass,
        storedSeq: b.storedSeq,
        sinceSeq: b.sinceSeq,
        sinceCount: b.sinceCount,
        countedSeq: b.countedSeq,
        eventCount: b.eventCount,
      };
      this.windows.set(k, held);
    }
    if (!held) {
      // The caller tracks what the counter holds; this is a bug, not bad input.
      throw new Error(`window ${k} is not held by the counter and came without a base`);
    }
    if (held.task !== batch.task || held.positiveClass !== batch.positiveClass) {
      held.task = batch.task;
      held.positiveClass = batch.positiveClass;
      held.profiler = new EventProfiler(held.profile, batch.task, batch.positiveClass);
    }
    // Runs of events, each counted column by column; in order, so every column sees its
    // values in seq order as one addAll of the whole batch would (columns are independent).
    const profiler = held.profiler;
    let parsed: Record<string, unknown>[] = [];
    let picks: number[] = [];
    let from: Ticket | undefined;
    // Whether a ticket's digest fits this window, decided once per ticket, not per event.
    let compared: Ticket | undefined;
    let fits = false;
    const countRuns = () => {
      if (parsed.length > 0) profiler.addAll(parsed);
      if (from !== undefined && picks.length > 0) profiler.apply(from.digest, picks);
      parsed = [];
      picks = [];
    };
    for (const e of batch.events) {
      if (typeof e === "string") {
        if (picks.length > 0) countRuns();
        parsed.push(JSON.parse(e) as Record<string, unknown>);
        continue;
      }
      const ticket = this.tickets.get(Math.floor(e / TICKET_SPAN));
      const index = e % TICKET_SPAN;
      const text = ticket?.texts[index];
      if (ticket === undefined || text === undefined) {
        throw new Error(`checked event ${e} is not held`);
      }
      if (ticket !== compared) {
        compared = ticket;
        fits = ticket.digest.layoutKey === profiler.layoutKey;
      }
      if (!fits) {
        // The window was made under other rules (the schema changed since): from the text.
        if (picks.length > 0) countRuns();
        parsed.push(JSON.parse(text) as Record<string, unknown>);
        continue;
      }
      if (parsed.length > 0 || (from !== ticket && picks.length > 0)) countRuns();
      from = ticket;
      picks.push(index);
    }
    countRuns();
    if (batch.events.length > 0) {
      held.eventCount += batch.events.length;
      held.countedSeq = batch.lastSeq;
    }
  }

  /** The changed windows, encoded; from now on they are taken as written. */
  flush(): FlushedWindow[] {
    const out: FlushedWindow[] = [];
    for (const held of this.windows.values()) {
      // Unchanged since the row was read or last written (a base with replayed events is a
      // change: the row lacks them).
      if (held.countedSeq === held.sinceSeq && held.storedSeq !== null) continue;
      out.push({
        key: held.key,
        bytes: serializeDatasetProfile(held.profile),
        countedSeq: held.countedSeq,
        eventCount: held.eventCount,
        expectedSeq: held.storedSeq,
        sinceSeq: held.sinceSeq,
        countedSince: held.eventCount - held.sinceCount,
      });
      held.storedSeq = held.countedSeq;
      held.sinceSeq = held.countedSeq;
      held.sinceCount = held.eventCount;
    }
    return out;
  }

  /** Drops windows (all with null): the next batch for them comes with a base. */
  forget(keys: string[] | null): void {
    if (keys === null) this.windows.clear();
    else for (const k of keys) this.windows.delete(k);
  }
}

/**
 * Runs a request, turning a failure into a "failed" reply. A failed check concerns only
 * its own items; any other failure drops every window (the caller recounts them).
 */
export function handleRequest(
  counter: WindowCounter,
  req: CounterRequest,
): CounterReply | undefined {
  try {
    return counter.handle(req);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (req.type === "check") return { type: "failed", id: req.id, check: true, message };
    counter.forget(null);
    return { type: "failed", id: req.type === "flush" ? req.id : null, message };
  }
}
