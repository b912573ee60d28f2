/**
 * How one prediction event is counted into a window profile (layout.ts): the same function
 * runs at ingest and when a window is rebuilt from its raw events, so a rebuild replays
 * exactly what ingest did. Each column of the profile receives exactly one value per event.
 * Everything here depends only on the event and the profile's own columns (not on the
 * model's current schema), so a window keeps the columns and bins it was created with.
 */
import {
  type BinSpec,
  type ColumnKind,
  type ColumnProfile,
  DatasetProfile,
} from "../sketch/index.js";
import type { ModelTask } from "../store/types.js";
import { hasError, MAX_UNKNOWN_VALUE } from "./events.js";
import {
  ERROR_COLUMN,
  LATENCY_COLUMN,
  PREDICTION_COLUMN,
  SCORE_COLUMN,
  UNKNOWN_COLUMN,
} from "./layout.js";

/**
 * The reference's bins for the columns of a window: a column gets the bins of the
 * reference column of the same name and kind, none otherwise (a feature added after the
 * reference was uploaded, or a reserved column the reference had no data for).
 */
export function binsFromReference(
  columns: Record<string, ColumnKind>,
  reference: DatasetProfile | null,
): Record<string, BinSpec | null> {
  const out: Record<string, BinSpec | null> = {};
  for (const [name, kind] of Object.entries(columns)) {
    const ref = reference?.columns.get(name);
    out[name] = ref && ref.kind === kind && ref.bins ? ref.bins.spec : null;
  }
  return out;
}

/** An empty window profile in the layout, counting into the given bins. */
export function newWindowProfile(
  columns: Record<string, ColumnKind>,
  bins: Record<string, BinSpec | null>,
): DatasetProfile {
  return new DatasetProfile(columns, { bins });
}

/** The positive-class score of a binary event, or the top class's for multiclass. */
export function scoreValue(
  scores: unknown,
  task: ModelTask,
  positiveClass: string,
): number | undefined {
  if (typeof scores === "number") return task === "regression" ? undefined : scores;
  if (typeof scores !== "object" || scores === null || Array.isArray(scores)) return undefined;
  const s = scores as Record<string, unknown>;
  if (task === "binary") {
    const v = s[positiveClass];
    return typeof v === "number" ? v : undefined;
  }
  if (task === "multiclass") {
    let best: number | undefined;
    for (const key in s) {
      const v = s[key];
      if (typeof v === "number" && (best === undefined || v > best)) best = v;
    }
    return best;
  }
  return undefined;
}

/**
 * The $unknown value of an event: the names of its features that are not columns of the
 * window, sorted and joined with ",", cut at MAX_UNKNOWN_VALUE characters; undefined (so
 * missing) when there is none.
 */
export function unknownValue(
  features: Record<string, unknown> | undefined,
  known: ReadonlySet<string>,
): string | undefined {
  if (features === undefined) return undefined;
  let names: string[] | undefined;
  for (const name in features) {
    if (known.has(name)) continue;
    if (names === undefined) names = [name];
    else names.push(name);
  }
  if (names === undefined) return undefined;
  const joined = names.length === 1 ? (names[0] as string) : names.sort().join(",");
  return joined.length > MAX_UNKNOWN_VALUE ? `${joined.slice(0, MAX_UNKNOWN_VALUE - 1)}…` : joined;
}

/**
 * What each column of a window profile receives from a run of events, extracted once and
 * kept compact (EventProfiler.digest, .apply). The profile worker keeps a checked request's
 * digest, instead of its parsed events, until the events are committed and counted: parsed
 * events held that long cost the worker about a fifth of its time in garbage collection
 * (`node bench/ingest-count.mjs --lag`). Per column, one value per event:
 * - numeric columns: the number (NaN for null or absent, which counts as missing just the
 *   same); values of another type are flagged in `typeErrors`;
 * - categorical columns: the category as ColumnProfile.update would make it (String() of a
 *   number or boolean), null for a missing value or one flagged in `typeErrors`.
 */
export interface EventDigest {
  /** EventProfiler.layoutKey of the profiler that made it. */
  layoutKey: string;
  /** Events. */
  size: number;
  values: DigestValues[];
}

export interface DigestValues {
  numbers: Float64Array | null;
  strings: (string | null)[] | null;
  /** 1 where the value has a type the column does not take; null when none has. */
  typeErrors: Uint8Array | null;
}

/** A value every column counts as a type error. */
const TYPE_ERROR = Object.freeze({});

function newValues(kind: ColumnKind, n: number): DigestValues {
  return kind === "numeric"
    ? { numbers: new Float64Array(n), strings: null, typeErrors: null }
    : { numbers: null, strings: new Array<string | null>(n), typeErrors: null };
}

/** Stores what ColumnProfile.update(v) would count, for event i (see EventDigest). */
function put(out: DigestValues, i: number, v: unknown): void {
  if (out.numbers !== null) {
    if (typeof v === "number") out.numbers[i] = v;
    else {
      out.numbers[i] = Number.NaN;
      if (v !== null && v !== undefined) flagTypeError(out, i);
    }
    return;
  }
  const strings = out.strings as (string | null)[];
  if (typeof v === "string") strings[i] = v;
  else if (typeof v === "number") strings[i] = Number.isNaN(v) ? null : String(v);
  else if (typeof v === "boolean") strings[i] = String(v);
  else {
    strings[i] = null;
    if (v !== null && v !== undefined) flagTypeError(out, i);
  }
}

function flagTypeError(out: DigestValues, i: number): void {
  out.typeErrors ??= new Uint8Array((out.numbers ?? (out.strings as unknown[])).length);
  out.typeErrors[i] = 1;
}

/** Counts events into one window profile. */
export class EventProfiler {
  private readonly featureNames: string[] = [];
  private readonly featureCols: ColumnProfile[] = [];
  private readonly known: Set<string>;
  private readonly prediction: ColumnProfile | undefined;
  private readonly score: ColumnProfile | undefined;
  private readonly latency: ColumnProfile | undefined;
  private readonly error: ColumnProfile | undefined;
  private readonly unknown: ColumnProfile | undefined;
  /** Reserved-looking columns this code does not fill: given a missing value per event. */
  private readonly others: ColumnProfile[] = [];
  /** The columns a digest holds values for, in its order: features, then reserved ones. */
  private readonly digestColumns: ColumnProfile[];
  /**
   * The columns (names, kinds, order), task and positive class: digests are exchanged
   * between profilers with the same key only.
   */
  readonly layoutKey: string;

  constructor(
    readonly profile: DatasetProfile,
    private readonly task: ModelTask,
    private readonly positiveClass: string,
  ) {
    for (const [name, col] of profile.columns) {
      if (!name.startsWith("$")) {
        this.featureNames.push(name);
        this.featureCols.push(col);
      }
    }
    this.known = new Set(this.featureNames);
    const cols = profile.columns;
    this.prediction = cols.get(PREDICTION_COLUMN);
    this.score = cols.get(SCORE_COLUMN);
    this.latency = cols.get(LATENCY_COLUMN);
    this.error = cols.get(ERROR_COLUMN);
    this.unknown = cols.get(UNKNOWN_COLUMN);
    const reserved = new Set<string>([
      PREDICTION_COLUMN,
      SCORE_COLUMN,
      LATENCY_COLUMN,
      ERROR_COLUMN,
      UNKNOWN_COLUMN,
    ]);
    for (const [name, col] of cols) {
      if (name.startsWith("$") && !reserved.has(name)) this.others.push(col);
    }
    this.digestColumns = [...this.featureCols];
    const parts = [task, positiveClass];
    for (let i = 0; i < this.featureNames.length; i++) {
      parts.push(`${this.featureNames[i]}:${(this.featureCols[i] as ColumnProfile).kind}`);
    }
    for (const [name, col] of [
      [PREDICTION_COLUMN, this.prediction],
      [SCORE_COLUMN, this.score],
      [LATENCY_COLUMN, this.latency],
      [ERROR_COLUMN, this.error],
      [UNKNOWN_COLUMN, this.unknown],
    ] as const) {
      if (col === undefined) continue;
      this.digestColumns.push(col);
      parts.push(`${name}:${col.kind}`);
    }
    parts.push(`others:${this.others.length}`);
    this.layoutKey = JSON.stringify(parts);
  }

  /**
   * Adds events in order, column by column: each column sees the same values in the same
   * order as with add() one event at a time, so the profile comes out the same, byte for
   * byte (columns are independent); one column's values in a row keep its code paths and
   * property lookups monomorphic, which is faster.
   */
  addAll(events: readonly Record<string, unknown>[]): void {
    this.apply(this.digest(events));
  }

  /**
   * The values each column would receive from these events (see EventDigest), without
   * counting them. A digest made by a profiler with the same layoutKey can be applied here.
   */
  digest(events: readonly Record<string, unknown>[]): EventDigest {
    const n = events.length;
    const feats: (Record<string, unknown> | undefined)[] = new Array(n);
    const knownPerEvent = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const f = (events[i] as Record<string, unknown>).features;
      feats[i] =
        typeof f === "object" && f !== null && !Array.isArray(f)
          ? (f as Record<string, unknown>)
          : undefined;
    }
    const values: DigestValues[] = [];
    const names = this.featureNames;
    const cols = this.featureCols;
    for (let j = 0; j < cols.length; j++) {
      const name = names[j] as string;
      const out = newValues((cols[j] as ColumnProfile).kind, n);
      for (let i = 0; i < n; i++) {
        const f = feats[i];
        let v = f === undefined ? undefined : f[name];
        // As in add(): an absent name can find an Object.prototype method.
        if (typeof v === "function") v = undefined;
        else if (v !== undefined) knownPerEvent[i] = (knownPerEvent[i] as number) + 1;
        put(out, i, v);
      }
      values.push(out);
    }
    const { prediction, score, latency, error, unknown } = this;
    if (prediction) {
      const out = newValues(prediction.kind, n);
      for (let i = 0; i < n; i++) put(out, i, (events[i] as Record<string, unknown>).prediction);
      values.push(out);
    }
    if (score) {
      const out = newValues(score.kind, n);
      for (let i = 0; i < n; i++) {
        const scores = (events[i] as Record<string, unknown>).scores;
        put(out, i, scoreValue(scores, this.task, this.positiveClass));
      }
      values.push(out);
    }
    if (latency) {
      const out = newValues(latency.kind, n);
      for (let i = 0; i < n; i++) put(out, i, (events[i] as Record<string, unknown>).latency_ms);
      values.push(out);
    }
    if (error) {
      const out = newValues(error.kind, n);
      for (let i = 0; i < n; i++) {
        put(out, i, hasError((events[i] as Record<string, unknown>).error) ? "1" : "0");
      }
      values.push(out);
    }
    if (unknown) {
      const out = newValues(unknown.kind, n);
      for (let i = 0; i < n; i++) {
        const f = feats[i];
        let keys = 0;
        if (f !== undefined) for (const _ in f) keys++;
        put(out, i, keys === knownPerEvent[i] ? undefined : unknownValue(f, this.known));
      }
      values.push(out);
    }
    return { layoutKey: this.layoutKey, size: n, values };
  }

  /**
   * Counts the events of a digest made with this layout, all of them in order, or those at
   * `picks` in that order. The result is what addAll of the same events gives.
   */
  apply(d: EventDigest, picks?: ArrayLike<number>): void {
    if (d.layoutKey !== this.layoutKey) {
      // The caller checks the key; counting into the wrong columns would corrupt the profile.
      throw new Error("an event digest was applied to a profile of another layout");
    }
    const n = picks === undefined ? d.size : picks.length;
    this.profile.rows += n;
    const cols = this.digestColumns;
    for (let j = 0; j < cols.length; j++) {
      const col = cols[j] as ColumnProfile;
      const v = d.values[j] as DigestValues;
      if (v.numbers !== null) {
        const xs = v.numbers;
        const bad = v.typeErrors;
        for (let k = 0; k < n; k++) {
          const i = picks === undefined ? k : (picks[k] as number);
          if (bad !== null && bad[i] === 1) col.update(TYPE_ERROR);
          else col.addNumber(xs[i] as number);
        }
      } else {
        const ss = v.strings as (string | null)[];
        const bad = v.typeErrors;
        for (let k = 0; k < n; k++) {
          const i = picks === undefined ? k : (picks[k] as number);
          const s = ss[i] as string | null;
          if (s !== null) col.addCategory(s);
          else col.update(bad !== null && bad[i] === 1 ? TYPE_ERROR : null);
        }
      }
    }
    for (const col of this.others) for (let k = 0; k < n; k++) col.update(undefined);
  }

  /** Adds one event (already validated, or read back from the raw events). */
  add(e: Record<string, unknown>): void {
    this.profile.rows++;
    const f = e.features;
    const features =
      typeof f === "object" && f !== null && !Array.isArray(f)
        ? (f as Record<string, unknown>)
        : undefined;
    const names = this.featureNames;
    const cols = this.featureCols;
    /** Features of the event that are columns (to tell whether it has unknown ones). */
    let known = 0;
    if (features === undefined) {
      for (let i = 0; i < cols.length; i++) (cols[i] as ColumnProfile).update(undefined);
    } else {
      for (let i = 0; i < cols.length; i++) {
        let v = features[names[i] as string];
        // An absent name can still find an Object.prototype method ("constructor"); JSON
        // values are never functions. ("__proto__" is not a valid feature name.)
        if (typeof v === "function") v = undefined;
        else if (v !== undefined) known++;
        (cols[i] as ColumnProfile).update(v);
      }
    }
    this.prediction?.update(e.prediction);
    this.score?.update(scoreValue(e.scores, this.task, this.positiveClass));
    this.latency?.update(e.latency_ms);
    this.error?.update(hasError(e.error) ? "1" : "0");
    if (this.unknown) {
      // Usually every feature is a column: then there is nothing to name (no set lookups).
      let keys = 0;
      if (features !== undefined) for (const _ in features) keys++;
      this.unknown.update(keys === known ? undefined : unknownValue(features, this.known));
    }
    for (const col of this.others) col.update(undefined);
  }
}
