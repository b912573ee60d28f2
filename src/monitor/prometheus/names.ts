/**
 * Metric and label names as Prometheus accepts and its linter likes them: snake_case,
 * `[a-z_][a-z0-9_]*`. Names come from code (our families) and from stored metric series
 * (their names and label keys), so one function makes both safe. The colon, legal in the
 * text format, is replaced too: Prometheus reserves it for recording rules.
 */

const VALID_METRIC = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALID_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function snake(raw: string): string {
  const s = raw
    // camelCase and PascalCase boundaries: "missingShare" -> "missing_Share"
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, "_")
    .replace(/_{2,}/g, "_")
    .replace(/^_+|_+$/g, "");
  if (s === "") return "_";
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

/** A valid metric name for any input; already valid snake_case names come back unchanged. */
export function sanitizeMetricName(raw: string): string {
  if (VALID_METRIC.test(raw) && raw === raw.toLowerCase()) return raw;
  return snake(raw);
}

/**
 * A valid label name for any input. Names starting with "__" are reserved for Prometheus'
 * internal labels, so they lose their leading underscores.
 */
export function sanitizeLabelName(raw: string): string {
  if (VALID_LABEL.test(raw) && raw === raw.toLowerCase() && !raw.startsWith("__")) return raw;
  const s = snake(raw).replace(/^_+(?=.)/, "");
  return /^[0-9]/.test(s) ? `_${s}` : s;
}
