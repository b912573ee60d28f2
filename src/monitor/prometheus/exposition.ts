/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/): what `GET /metrics`
 * returns and what `promtool check metrics` and a Prometheus scrape parse.
 *
 * Families are written in the order given, samples in the order given, so output is
 * deterministic and tests compare it byte for byte. Names are sanitized here (a stored
 * series may carry any label key); label values and help texts are escaped here (model and
 * feature names come from users).
 */
import { sanitizeLabelName, sanitizeMetricName } from "./names.js";

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type Labels = Readonly<Record<string, string>>;

export interface Sample {
  labels: Labels;
  value: number;
}

/**
 * A counter's name ends in `_total` (added when missing); a gauge's or untyped's does not.
 * A summary here carries only its `quantile` samples (each sample's labels include
 * `quantile`), without `_sum` and `_count`, which the format allows.
 */
export interface ScalarFamily {
  type: "counter" | "gauge" | "summary" | "untyped";
  name: string;
  help: string;
  samples: readonly Sample[];
}

export interface HistogramSample {
  labels: Labels;
  /**
   * Observations per bucket, NOT cumulative: `counts[i]` for i < bounds.length counts the
   * values in (bounds[i-1], bounds[i]]; the last entry counts values above the last bound.
   * Length bounds.length + 1. The writer accumulates them into the `le` buckets.
   */
  counts: ArrayLike<number>;
  sum: number;
}

export interface HistogramFamily {
  type: "histogram";
  name: string;
  help: string;
  /** Finite upper bounds, strictly increasing; the `+Inf` bucket is added. */
  bounds: readonly number[];
  samples: readonly HistogramSample[];
}

export type MetricFamily = ScalarFamily | HistogramFamily;

const NEEDS_VALUE_ESCAPE = /[\\"\n]/;
const NEEDS_HELP_ESCAPE = /[\\\n]/;

/** Label value escaping: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  if (!NEEDS_VALUE_ESCAPE.test(value)) return value;
  return value.replace(/[\\"\n]/g, (c) => (c === "\\" ? "\\\\" : c === '"' ? '\\"' : "\\n"));
}

/** HELP text escaping: backslash and line feed (a double quote stays as is). */
export function escapeHelp(help: string): string {
  if (!NEEDS_HELP_ESCAPE.test(help)) return help;
  return help.replace(/[\\\n]/g, (c) => (c === "\\" ? "\\\\" : "\\n"));
}

/** A sample value as Prometheus parses it (Go's ParseFloat): `NaN`, `+Inf`, `-Inf` or a number. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Number.POSITIVE_INFINITY) return "+Inf";
  if (v === Number.NEGATIVE_INFINITY) return "-Inf";
  // String(-0) is "0"; every finite JS number prints in a form ParseFloat reads exactly.
  return String(v);
}

/**
 * `{a="x",b="y"}` or "" for no labels. Label names are sanitized; two keys that sanitize to
 * the same name keep the first and give later ones a numeric suffix, so a sample never
 * repeats a label name (which would fail the whole scrape).
 */
export function formatLabels(labels: Labels, extra?: readonly [string, string]): string {
  let out = "";
  // Samples have a handful of labels: a list beats a Set.
  const seen: string[] = [];
  const add = (rawName: string, value: string) => {
    let name = sanitizeLabelName(rawName);
    if (seen.includes(name)) {
      let i = 2;
      while (seen.includes(`${name}_${i}`)) i++;
      name = `${name}_${i}`;
    }
    seen.push(name);
    out += `${out === "" ? "" : ","}${name}="${escapeLabelValue(value)}"`;
  };
  for (const key in labels) add(key, labels[key] as string);
  if (extra) add(extra[0], extra[1]);
  return out === "" ? "" : `{${out}}`;
}

function familyName(f: MetricFamily): string {
  const name = sanitizeMetricName(f.name);
  if (f.type === "counter") return name.endsWith("_total") ? name : `${name}_total`;
  return name;
}

function writeHistogram(f: HistogramFamily, name: string, lines: string[]): void {
  const bounds = f.bounds;
  for (let i = 0; i < bounds.length; i++) {
    const b = bounds[i] as number;
    if (!Number.isFinite(b) || (i > 0 && b <= (bounds[i - 1] as number))) {
      throw new Error(`histogram ${name}: bounds must be finite and strictly increasing`);
    }
  }
  const les = bounds.map(formatValue);
  for (const s of f.samples) {
    if (s.counts.length !== bounds.length + 1) {
      throw new Error(`histogram ${name}: ${bounds.length + 1} bucket counts expected`);
    }
    let cumulative = 0;
    for (let i = 0; i <= bounds.length; i++) {
      cumulative += s.counts[i] as number;
      const le = i < bounds.length ? (les[i] as string) : "+Inf";
      lines.push(`${name}_bucket${formatLabels(s.labels, ["le", le])} ${formatValue(cumulative)}`);
    }
    const labels = formatLabels(s.labels);
    lines.push(`${name}_sum${labels} ${formatValue(s.sum)}`);
    lines.push(`${name}_count${labels} ${formatValue(cumulative)}`);
  }
}

/**
 * The exposition text of the families, ending with a line feed. Two families with the same
 * (sanitized) name are a programming error: Prometheus rejects a scrape that repeats a
 * TYPE line, so callers merge their samples first.
 */
export function writeExposition(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  const names = new Set<string>();
  for (const f of families) {
    const name = familyName(f);
    if (names.has(name)) throw new Error(`metric family ${name} written twice`);
    names.add(name);
    lines.push(`# HELP ${name} ${escapeHelp(f.help)}`);
    lines.push(`# TYPE ${name} ${f.type}`);
    if (f.type === "histogram") {
      writeHistogram(f, name, lines);
      continue;
    }
    for (const s of f.samples) {
      lines.push(`${name}${formatLabels(s.labels)} ${formatValue(s.value)}`);
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
