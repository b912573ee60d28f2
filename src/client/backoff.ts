/**
 * Retry delays. Full jitter (a uniform draw between 0 and the exponential cap) spreads the
 * retries of many clients that failed together instead of having them return in lockstep
 * (AWS Architecture Blog, "Exponential Backoff and Jitter").
 */

/** Delay before retry `retry` (1-based): uniform in [0, min(maxMs, baseMs * 2^(retry-1))). */
export function fullJitterDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.min(retry - 1, 52));
  return Math.floor(random() * cap);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (delta-seconds or an HTTP date), or
 * undefined when absent or unreadable. Negative waits become 0.
 */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
