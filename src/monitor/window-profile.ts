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
  }

  /**
   * Adds events in order, column by column: each column sees the same values in the same
   * order as with add() one event at a time, so the profile comes out the same, byte for
   * byte (columns are independent); one column's values in a row keep its code paths and
   * property lookups monomorphic, which is faster.
   */
  addAll(events: readonly Record<string, unknown>[]): void {
    const n = events.length;
    this.profile.rows += n;
    const feats: (Record<string, unknown> | undefined)[] = new Array(n);
    const knownPerEvent = new Uint16Array(n);
    for (let i = 0; i < n; i++) {
      const f = (events[i] as Record<string, unknown>).features;
      feats[i] =
        typeof f === "object" && f !== null && !Array.isArray(f)
          ? (f as Record<string, unknown>)
          : undefined;
    }
    const names = this.featureNames;
    const cols = this.featureCols;
    for (let j = 0; j < cols.length; j++) {
      const name = names[j] as string;
      const col = cols[j] as ColumnProfile;
      for (let i = 0; i < n; i++) {
        const f = feats[i];
        let v = f === undefined ? undefined : f[name];
        // As in add(): an absent name can find an Object.prototype method.
        if (typeof v === "function") v = undefined;
        else if (v !== undefined) knownPerEvent[i] = (knownPerEvent[i] as number) + 1;
        col.update(v);
      }
    }
    const { prediction, score, latency, error, unknown } = this;
    if (prediction)
      for (let i = 0; i < n; i++)
        prediction.update((events[i] as Record<string, unknown>).prediction);
    if (score) {
      for (let i = 0; i < n; i++) {
        score.update(
          scoreValue((events[i] as Record<string, unknown>).scores, this.task, this.positiveClass),
        );
      }
    }
    if (latency)
      for (let i = 0; i < n; i++) latency.update((events[i] as Record<string, unknown>).latency_ms);
    if (error) {
      for (let i = 0; i < n; i++)
        error.update(hasError((events[i] as Record<string, unknown>).error) ? "1" : "0");
    }
    if (unknown) {
      for (let i = 0; i < n; i++) {
        const f = feats[i];
        let keys = 0;
        if (f !== undefined) for (const _ in f) keys++;
        unknown.update(keys === knownPerEvent[i] ? undefined : unknownValue(f, this.known));
      }
    }
    for (const col of this.others) for (let i = 0; i < n; i++) col.update(undefined);
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
