/**
 * Per-token request rate limit: one token bucket per API token, in memory. Each instance of
 * the server limits on its own (several instances behind a balancer allow their sum).
 */
import { invalidArgument } from "../errors.js";

export interface RateLimitOptions {
  /** Sustained requests per second per token. */
  perSecond: number;
  /** Requests a token may send at once after being idle (bucket size). */
  burst: number;
}

/**
 * Generous enough that the single-event ingest benchmark (thousands of requests per second
 * from one token) never meets it; it exists to stop a runaway client, not to meter use.
 */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { perSecond: 20_000, burst: 40_000 };

interface Bucket {
  tokens: number;
  last: number;
}

/** Buckets idle this long are full again and can be forgotten. */
const SWEEP_EVERY = 10_000;

export class RateLimiter {
  private readonly buckets = new Map<number, Bucket>();
  private calls = 0;

  constructor(
    private readonly options: RateLimitOptions,
    private readonly now: () => number,
  ) {}

  /**
   * Takes one request from the key's bucket. Returns 0 when allowed, else the seconds until
   * one request will be allowed (for Retry-After, at least 1).
   */
  take(key: number): number {
    const now = this.now();
    const { perSecond, burst } = this.options;
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { tokens: burst, last: now };
      this.buckets.set(key, b);
    } else if (now > b.last) {
      b.tokens = Math.min(burst, b.tokens + ((now - b.last) / 1000) * perSecond);
      b.last = now;
    }
    if (++this.calls % SWEEP_EVERY === 0) this.sweep(now);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / perSecond));
  }

  private sweep(now: number): void {
    const fullAfterMs = (this.options.burst / this.options.perSecond) * 1000;
    for (const [key, b] of this.buckets) {
      if (now - b.last > fullAfterMs) this.buckets.delete(key);
    }
  }
}

/** Checks options given by a user (CLI flags, buildServer). */
export function checkRateLimit(o: RateLimitOptions): RateLimitOptions {
  if (!(Number.isFinite(o.perSecond) && o.perSecond > 0)) {
    throw invalidArgument("rate limit per second", "a number > 0", o.perSecond);
  }
  if (!(Number.isFinite(o.burst) && o.burst >= 1)) {
    throw invalidArgument("rate limit burst", "a number >= 1", o.burst);
  }
  return o;
}
