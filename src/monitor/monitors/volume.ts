/**
 * Volume monitor, at model level (every version together, so a canary that takes traffic
 * from the champion does not look like a drop): the window's event count and its ratio to
 * the usual volume, the median count over the previous `history` window slots that have a
 * count (a slot without any event counts as 0 once the scheduler has passed it).
 */
import type { Repo } from "../../store/index.js";
import type { MetricPoint } from "../../store/types.js";
import type { EvaluationSettings } from "../evaluation-settings.js";
import { METRIC } from "../metric-names.js";
import { modelEventCount } from "../window-state.js";

export interface VolumeResult {
  windowStart: number;
  events: number;
  /** Median of the previous windows' counts (NaN with fewer than minHistory of them). */
  usual: number;
  /** events / usual (NaN when usual is NaN or 0). */
  ratio: number;
  /** Previous windows the median was taken over. */
  history: number;
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 === 1 ? (s[h] as number) : ((s[h - 1] as number) + (s[h] as number)) / 2;
}

/**
 * Computes and stores the model-level volume points of the window starting at `start`.
 * `events` defaults to the sum of every version's window count at that start.
 */
export async function evaluateVolume(
  store: Repo,
  modelId: number,
  start: number,
  windowMs: number,
  settings: EvaluationSettings["volume"],
  events?: number,
): Promise<VolumeResult> {
  const count = events ?? (await modelEventCount(store, modelId, start));
  const previous = await store.queryMetrics({
    modelId,
    name: METRIC.EVENT_COUNT,
    versionId: null,
    from: start - settings.history * windowMs,
    to: start,
  });
  const history = previous.map((p) => p.value).filter((v) => !Number.isNaN(v));
  const usual = history.length >= settings.minHistory ? median(history) : Number.NaN;
  const ratio = Number.isNaN(usual) || usual === 0 ? Number.NaN : count / usual;
  const points: MetricPoint[] = [
    { modelId, versionId: null, windowStart: start, name: METRIC.EVENT_COUNT, value: count },
    { modelId, versionId: null, windowStart: start, name: METRIC.EVENT_VOLUME_RATIO, value: ratio },
  ];
  await store.putMetrics(points);
  return { windowStart: start, events: count, usual, ratio, history: history.length };
}
