/**
 * One buffered, batched, retried stream of items to one endpoint (predictions or labels).
 *
 * `push()` is the caller's hot path: it appends to the open batch and at most arms a timer
 * or schedules a send for the next turn of the event loop; serializing and sending happen
 * later, never inside `push()`. The buffer is bounded by items held (open + sealed + in
 * flight); past the bound new items are dropped and counted, since blocking or growing
 * without bound would hurt the application the client is meant to observe.
 *
 * Sealed batches carry a sequence number so `flush()` can wait for exactly the items
 * pushed before it, while later items keep flowing.
 */
import { fullJitterDelay, parseRetryAfter } from "./backoff.js";
import { readFailure, readSuccess } from "./response.js";
import type { ClientErrorInfo, Rejection, StreamName, StreamStats } from "./types.js";

export interface StreamConfig<T> {
  name: StreamName;
  endpoint: string;
  headers: Record<string, string>;
  batchSize: number;
  flushIntervalMs: number;
  maxBuffer: number;
  maxRetries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  maxRetryAfterMs: number;
  requestTimeoutMs: number;
  concurrency: number;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  idOf: (item: T) => string | undefined;
  onRejected: ((rejections: Rejection[], stream: StreamName) => void) | undefined;
  onError: ((info: ClientErrorInfo) => void) | undefined;
  /** Reports a kind of loss once (the client turns it into a process warning). */
  warnOnce: (kind: string, message: string) => void;
}

interface Batch<T> {
  seq: number;
  items: T[];
}

/** What one HTTP attempt came to. */
type Attempt =
  | { kind: "ok"; text: string; status: number }
  | { kind: "retry"; status: number; message: string; retryAfterMs: number | undefined }
  | { kind: "refused"; status: number; text: string }
  | { kind: "aborted" };

export class BatchStream<T> {
  private open: T[] = [];
  private readonly ready: Batch<T>[] = [];
  private readonly inflight = new Set<Batch<T>>();
  private nextSeq = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private scheduled = false;
  private waiters: Array<{ seq: number; resolve: () => void }> = [];
  /** Aborted when a deadline passes: in-flight requests stop, sleeping retries wake and drop. */
  private abort = new AbortController();
  private readonly sleepers = new Set<() => void>();
  closed = false;

  private logged = 0;
  private sent = 0;
  private accepted = 0;
  private duplicates = 0;
  private rejected = 0;
  private dropped = 0;
  private retries = 0;
  private buffered = 0;
  private inFlight = 0;

  constructor(private readonly cfg: StreamConfig<T>) {}

  /** Appends one item; false when it was dropped (closed or full). Never throws, never waits. */
  push(item: T): boolean {
    this.logged++;
    if (this.closed) {
      this.dropped++;
      this.cfg.warnOnce("closed", `${this.cfg.name} logged after close() are dropped`);
      return false;
    }
    if (this.buffered + this.inFlight >= this.cfg.maxBuffer) {
      this.dropped++;
      this.cfg.warnOnce(
        "full",
        `${this.cfg.name} buffer full (${this.cfg.maxBuffer} items): new items are dropped until the server catches up`,
      );
      return false;
    }
    this.open.push(item);
    this.buffered++;
    if (this.open.length >= this.cfg.batchSize) {
      this.seal();
      this.schedulePump();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(this.onTimer, this.cfg.flushIntervalMs);
      this.timer.unref();
    }
    return true;
  }

  /** Counts an item the client refuses before buffering it (not an object). */
  refuse(reason: string): void {
    this.logged++;
    this.reject([{ id: undefined, index: 0, reason, status: 0 }]);
  }

  /** Item counts the invariant in StreamStats holds for. */
  stats(): StreamStats {
    return {
      logged: this.logged,
      sent: this.sent,
      accepted: this.accepted,
      duplicates: this.duplicates,
      rejected: this.rejected,
      dropped: this.dropped,
      retries: this.retries,
      inFlight: this.inFlight,
      buffered: this.buffered,
    };
  }

  /** Items held (buffered or in flight). */
  pending(): number {
    return this.buffered + this.inFlight;
  }

  /** Sends every item pushed so far; resolves when each is settled. */
  flush(): Promise<void> {
    this.seal();
    const target = this.nextSeq - 1;
    this.pump();
    if (this.settledThrough(target)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq: target, resolve }));
  }

  /**
   * Drops whatever is still buffered, stops in-flight requests and pending retries (their
   * items are dropped too). The stream stays usable for later items.
   */
  giveUp(reason: string): void {
    this.clearTimer();
    let n = this.open.length;
    this.open = [];
    for (const b of this.ready.splice(0)) n += b.items.length;
    if (n > 0) {
      this.buffered -= n;
      this.dropped += n;
      this.cfg.warnOnce("deadline", `${this.cfg.name}: unsent items dropped (${reason})`);
    }
    const a = this.abort;
    this.abort = new AbortController();
    a.abort();
    for (const wake of [...this.sleepers]) wake();
    this.checkWaiters();
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.seal();
    this.pump();
  };

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Closes the open batch (if any) so it can be sent. */
  private seal(): void {
    this.clearTimer();
    if (this.open.length === 0) return;
    this.ready.push({ seq: this.nextSeq++, items: this.open });
    this.open = [];
  }

  private schedulePump(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inflight.size < this.cfg.concurrency && this.ready.length > 0) {
      const batch = this.ready.shift()!;
      const n = batch.items.length;
      this.buffered -= n;
      this.inFlight += n;
      this.inflight.add(batch);
      void this.sendItems(batch.items).finally(() => {
        this.inflight.delete(batch);
        this.inFlight -= n;
        this.checkWaiters();
        this.pump();
      });
    }
  }

  private settledThrough(seq: number): boolean {
    const head = this.ready[0];
    if (head !== undefined && head.seq <= seq) return false;
    for (const b of this.inflight) if (b.seq <= seq) return false;
    return true;
  }

  private checkWaiters(): void {
    if (this.waiters.length === 0) return;
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (this.settledThrough(w.seq)) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }

  private reject(rejections: Rejection[]): void {
    if (rejections.length === 0) return;
    this.rejected += rejections.length;
    if (this.cfg.onRejected) {
      try {
        this.cfg.onRejected(rejections, this.cfg.name);
      } catch {
        // A failing callback must not stop the stream; the counts already record it.
      }
    } else {
      const r = rejections[0]!;
      this.cfg.warnOnce(
        "rejected",
        `${this.cfg.name} rejected by the server (first: ${r.field ? `${r.field}: ` : ""}${r.reason}); pass onRejected to see each`,
      );
    }
  }

  private report(info: ClientErrorInfo): void {
    if (!this.cfg.onError) return;
    try {
      this.cfg.onError(info);
    } catch {
      // Same as above: reporting must not break sending.
    }
  }

  /**
   * Serializes `items` (items that cannot be serialized are rejected on their own) and sends
   * them until the server answers, refuses, or the retries or the deadline run out.
   */
  private async sendItems(items: T[], signal = this.abort.signal): Promise<void> {
    let body: string;
    let sent = items;
    try {
      body = JSON.stringify(items);
    } catch {
      // One bad item (a BigInt, a cycle) must not sink the batch: find it, send the rest.
      const parts: string[] = [];
      const good: T[] = [];
      const bad: Rejection[] = [];
      items.forEach((item, index) => {
        try {
          parts.push(JSON.stringify(item));
          good.push(item);
        } catch (err) {
          bad.push({
            id: this.safeId(item),
            index,
            reason: `not serializable as JSON: ${(err as Error).message}`,
            status: 0,
          });
        }
      });
      this.reject(bad);
      if (good.length === 0) return;
      body = `[${parts.join(",")}]`;
      sent = good;
    }
    const ids = sent.map((item) => this.safeId(item));

    for (let attempt = 1; ; attempt++) {
      const result = await this.attempt(body, signal);
      if (result.kind === "ok") {
        const outcome = readSuccess(result.text, ids, result.status);
        this.sent += sent.length;
        this.accepted += outcome.accepted;
        this.duplicates += outcome.duplicates;
        this.reject(outcome.rejections);
        return;
      }
      if (result.kind === "aborted") {
        this.drop(sent.length, "the exit deadline passed", 0, attempt);
        return;
      }
      if (result.kind === "refused") {
        if (result.status === 413 && sent.length > 1) {
          // Too large for the server's body limit: halve until each part fits.
          const mid = Math.ceil(sent.length / 2);
          await this.sendItems(sent.slice(0, mid), signal);
          await this.sendItems(sent.slice(mid), signal);
          return;
        }
        const failure = readFailure(result.text, ids, result.status);
        this.report({
          stream: this.cfg.name,
          outcome: "rejected",
          items: sent.length,
          status: result.status,
          message: failure.code ? `${failure.code}: ${failure.message}` : failure.message,
          attempt,
        });
        this.reject(failure.rejections);
        return;
      }
      if (attempt > this.cfg.maxRetries) {
        this.drop(
          sent.length,
          `gave up after ${attempt} attempts (${result.message})`,
          result.status,
          attempt,
        );
        return;
      }
      const delay =
        result.retryAfterMs === undefined
          ? fullJitterDelay(attempt, this.cfg.backoffBaseMs, this.cfg.backoffMaxMs, this.cfg.random)
          : Math.min(result.retryAfterMs, this.cfg.maxRetryAfterMs);
      this.report({
        stream: this.cfg.name,
        outcome: "retry",
        items: sent.length,
        status: result.status,
        message: result.message,
        attempt,
        retryInMs: delay,
      });
      await this.sleep(delay, signal);
      if (signal.aborted) {
        this.drop(sent.length, "the exit deadline passed", result.status, attempt);
        return;
      }
      this.retries++;
    }
  }

  private drop(n: number, why: string, status: number, attempt: number): void {
    this.dropped += n;
    this.report({
      stream: this.cfg.name,
      outcome: "dropped",
      items: n,
      status,
      message: why,
      attempt,
    });
    this.cfg.warnOnce(`drop:${why.split(" ")[0]}`, `${this.cfg.name}: ${n} items dropped: ${why}`);
  }

  private safeId(item: T): string | undefined {
    try {
      return this.cfg.idOf(item);
    } catch {
      return undefined;
    }
  }

  private async attempt(body: string, signal: AbortSignal): Promise<Attempt> {
    if (signal.aborted) return { kind: "aborted" };
    let res: Response;
    try {
      res = await this.cfg.fetch(this.cfg.endpoint, {
        method: "POST",
        headers: this.cfg.headers,
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.cfg.requestTimeoutMs)]),
      });
    } catch (err) {
      if (signal.aborted) return { kind: "aborted" };
      return {
        kind: "retry",
        status: 0,
        message: describeNetworkError(err),
        retryAfterMs: undefined,
      };
    }
    let text: string;
    try {
      // Always read the body: it frees the connection for keep-alive.
      text = await res.text();
    } catch (err) {
      if (signal.aborted) return { kind: "aborted" };
      if (res.ok) {
        // The server committed (2xx) but the body was cut off: the counts are unknown, the
        // items are stored. Count them as accepted rather than resend.
        return { kind: "ok", text: "", status: res.status };
      }
      return {
        kind: "retry",
        status: res.status,
        message: describeNetworkError(err),
        retryAfterMs: undefined,
      };
    }
    if (res.ok) return { kind: "ok", text, status: res.status };
    if (res.status === 429 || res.status >= 500) {
      return {
        kind: "retry",
        status: res.status,
        message: `HTTP ${res.status}`,
        retryAfterMs: parseRetryAfter(res.headers.get("retry-after"), this.cfg.now()),
      };
    }
    return { kind: "refused", status: res.status, text };
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted || ms <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(t);
        this.sleepers.delete(wake);
        resolve();
      };
      // Unref'd: a pending retry alone does not keep the process alive; the exit hooks
      // hold it open (with a deadline) when there is something left to send.
      const t = setTimeout(wake, ms);
      t.unref();
      this.sleepers.add(wake);
    });
  }
}

function describeNetworkError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  if (err.name === "TimeoutError") return "request timed out";
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${err.message}: ${typeof code === "string" ? `${code} ` : ""}${cause.message}`;
  }
  return err.message;
}
