/**
 * In-process counters of what ingest accepted, per model and version: predictions, errors,
 * a latency histogram, and rejected and duplicate events per model. Ingest calls `observe`
 * once per committed request (up to 50,000 events/s in batches), so the work is a map
 * lookup per version and a bucket search per latency value; nothing allocates per event.
 *
 * The counters live in memory and start at zero when the process starts, as Prometheus
 * counters do (it detects the reset). With several `vigil serve` instances each is scraped
 * and the queries `sum` over instances.
 */
import { INGEST_STAGES, type IngestStages } from "../ingest-stages.js";
import type { HistogramFamily, MetricFamily, ScalarFamily } from "./exposition.js";

/** Upper bounds in seconds: 1 ms to 10 s, about three buckets per decade. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Upper bounds in seconds of the ingest stage histogram: 0.5 ms to 10 s. A request's stages
 * take from microseconds (no backlog) to the whole of a slow answer.
 */
export const STAGE_BUCKETS_SECONDS: readonly number[] = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/**
 * Beyond this many (model, version) series the counters stop adding series and count the
 * events they could not attribute in `vigil_metrics_series_overflow_total`: an ingest
 * client inventing version names must not grow the server's memory without bound.
 */
export const DEFAULT_MAX_SERIES = 10_000;

/** The part of an ingest observation the counters read (src/server IngestObservation). */
export interface CountedObservation {
  model: string;
  acceptedByVersion: Readonly<Record<string, number>>;
  rejected: number;
  duplicates: number;
  errorsByVersion: Readonly<Record<string, number>>;
  latenciesMsByVersion: Readonly<Record<string, readonly number[]>>;
  /** Milliseconds per ingest stage. */
  stagesMs?: Readonly<IngestStages>;
}

interface VersionSeries {
  model: string;
  version: string;
  predictions: number;
  errors: number;
  /** Per-bucket (not cumulative) counts; the last one is above the last bound. */
  buckets: Float64Array;
  latencySumSeconds: number;
}

interface ModelSeries {
  rejected: number;
  duplicates: number;
}

/** Index of the first bound >= v (bounds.length when v is above all of them). */
function bucketIndex(bounds: readonly number[], v: number): number {
  let lo = 0;
  let hi = bounds.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((bounds[mid] as number) >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class IngestCounters {
  private readonly versions = new Map<string, VersionSeries>();
  private readonly models = new Map<string, ModelSeries>();
  private overflow = 0;
  /** Per stage: per-bucket counts (the last above the last bound) and the sum in seconds. */
  private readonly stages = INGEST_STAGES.map(() => ({
    buckets: new Float64Array(STAGE_BUCKETS_SECONDS.length + 1),
    sum: 0,
  }));

  constructor(
    private readonly maxSeries: number = DEFAULT_MAX_SERIES,
    private readonly bounds: readonly number[] = LATENCY_BUCKETS_SECONDS,
  ) {}

  /** Creates zero-valued series, so `rate()` sees the first increase of a known version. */
  declare(model: string, version?: string): void {
    this.model(model);
    if (version !== undefined) this.series(model, version);
  }

  observe(o: CountedObservation): void {
    const m = this.model(o.model);
    if (m) {
      m.rejected += o.rejected;
      m.duplicates += o.duplicates;
    } else {
      this.overflow += o.rejected + o.duplicates;
    }
    for (const version in o.acceptedByVersion) {
      const n = o.acceptedByVersion[version] as number;
      const s = this.series(o.model, version);
      if (s) s.predictions += n;
      else this.overflow += n;
    }
    for (const version in o.errorsByVersion) {
      const s = this.series(o.model, version);
      if (s) s.errors += o.errorsByVersion[version] as number;
    }
    if (o.stagesMs !== undefined) {
      for (let i = 0; i < INGEST_STAGES.length; i++) {
        const seconds = o.stagesMs[INGEST_STAGES[i] as keyof IngestStages] / 1000;
        if (!(seconds >= 0) || seconds === Number.POSITIVE_INFINITY) continue;
        const s = this.stages[i] as { buckets: Float64Array; sum: number };
        (s.buckets[bucketIndex(STAGE_BUCKETS_SECONDS, seconds)] as number)++;
        s.sum += seconds;
      }
    }
    for (const version in o.latenciesMsByVersion) {
      const s = this.series(o.model, version);
      if (!s) continue;
      const values = o.latenciesMsByVersion[version] as readonly number[];
      for (let i = 0; i < values.length; i++) {
        const seconds = (values[i] as number) / 1000;
        // Ingest validates latency_ms; a NaN or negative value would poison the sum forever.
        if (!(seconds >= 0) || seconds === Number.POSITIVE_INFINITY) continue;
        (s.buckets[bucketIndex(this.bounds, seconds)] as number)++;
        s.latencySumSeconds += seconds;
      }
    }
  }

  private model(model: string): ModelSeries | undefined {
    let m = this.models.get(model);
    if (m === undefined) {
      if (this.models.size + this.versions.size >= this.maxSeries) return undefined;
      m = { rejected: 0, duplicates: 0 };
      this.models.set(model, m);
    }
    return m;
  }

  private series(model: string, version: string): VersionSeries | undefined {
    const key = `${model}\u0000${version}`;
    let s = this.versions.get(key);
    if (s === undefined) {
      if (this.models.size + this.versions.size >= this.maxSeries) return undefined;
      s = {
        model,
        version,
        predictions: 0,
        errors: 0,
        buckets: new Float64Array(this.bounds.length + 1),
        latencySumSeconds: 0,
      };
      this.versions.set(key, s);
    }
    return s;
  }

  /** The counter families, series sorted by model then version. */
  families(): MetricFamily[] {
    const versions = [...this.versions.values()].sort(
      (a, b) => cmp(a.model, b.model) || cmp(a.version, b.version),
    );
    const models = [...this.models.entries()].sort((a, b) => cmp(a[0], b[0]));
    const perVersion = (help: string, name: string, pick: (s: VersionSeries) => number) =>
      ({
        type: "counter",
        name,
        help,
        samples: versions.map((s) => ({
          labels: { model: s.model, version: s.version },
          value: pick(s),
        })),
      }) satisfies ScalarFamily;
    const latency: HistogramFamily = {
      type: "histogram",
      name: "vigil_prediction_latency_seconds",
      help: "Latency of accepted predictions as the events reported it (latency_ms), in seconds.",
      bounds: this.bounds,
      samples: versions
        .filter((s) => s.buckets.some((c) => c > 0))
        .map((s) => ({
          labels: { model: s.model, version: s.version },
          counts: s.buckets,
          sum: s.latencySumSeconds,
        })),
    };
    return [
      perVersion(
        "Prediction events accepted and stored.",
        "vigil_predictions_total",
        (s) => s.predictions,
      ),
      perVersion(
        "Accepted prediction events that carried an error.",
        "vigil_prediction_errors_total",
        (s) => s.errors,
      ),
      latency,
      {
        type: "counter",
        name: "vigil_ingest_rejected_total",
        help: "Prediction events rejected by validation (the rest of their batch was accepted).",
        samples: models.map(([model, m]) => ({ labels: { model }, value: m.rejected })),
      },
      {
        type: "counter",
        name: "vigil_ingest_duplicates_total",
        help: "Prediction events ignored because their id was already stored.",
        samples: models.map(([model, m]) => ({ labels: { model }, value: m.duplicates })),
      },
      {
        type: "histogram",
        name: "vigil_ingest_stage_seconds",
        help: "Time ingest requests spent in each stage: check (on the profile worker), queue (behind earlier commits), backlog (waiting for profile counting), commit (the transaction), sync (until on disk).",
        bounds: STAGE_BUCKETS_SECONDS,
        samples: this.stages.map((s, i) => ({
          labels: { stage: INGEST_STAGES[i] as string },
          counts: s.buckets,
          sum: s.sum,
        })),
      } satisfies HistogramFamily,
      {
        type: "counter",
        name: "vigil_metrics_series_overflow_total",
        help: "Events not counted per model and version because the series limit was reached.",
        samples: [{ labels: {}, value: this.overflow }],
      },
    ];
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
