/**
 * `createClient()`: the application-side half of ingestion. Two streams (predictions and
 * labels) to one model, process hooks that send what is left on exit, and the counters
 * that say where every logged item went. No dependencies beyond Node 20's global fetch.
 */
import { randomUUID } from "node:crypto";
import { VigilError } from "../errors.js";
import { type ExitParticipant, registerForExit, unregisterForExit } from "./exit.js";
import { BatchStream, type StreamConfig } from "./stream.js";
import type {
  ClientOptions,
  ClientStats,
  JsonValue,
  PredictionEvent,
  StreamName,
  VigilClient,
} from "./types.js";

/**
 * An event as logged, with its id and timestamp resolved. Merging them into the event is
 * left to serialization (toJSON, at send time): copying the caller's object inside `log()`
 * was most of its cost, and the caller's object must not be modified.
 */
class PendingEvent {
  constructor(
    readonly event: PredictionEvent,
    readonly id: unknown,
    readonly timestamp: number | string,
  ) {}

  toJSON(): PredictionEvent {
    const e = this.event;
    if (e.id === this.id && e.timestamp === this.timestamp) return e;
    return { ...e, id: this.id as string, timestamp: this.timestamp };
  }
}

interface LabelItem {
  id: string;
  label: JsonValue;
  timestamp: number | string;
}

function positiveInt(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `createClient: ${name} must be an integer >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

function baseUrl(url: unknown): string {
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `createClient: url must be an http(s) URL such as "http://127.0.0.1:7070", got ${JSON.stringify(url)}`,
    );
  }
  try {
    new URL(url);
  } catch {
    throw new VigilError("VIGIL_INVALID_ARGUMENT", `createClient: url is not a valid URL: ${url}`);
  }
  return url.replace(/\/+$/, "");
}

class Client implements VigilClient, ExitParticipant {
  private readonly predictions: BatchStream<PendingEvent>;
  private readonly labels: BatchStream<LabelItem>;
  private readonly now: () => number;
  private readonly exitTimeoutMs: number;
  private readonly hooks: boolean;
  private readonly warned = new Set<string>();
  private closing: Promise<ClientStats> | undefined;

  constructor(opts: ClientOptions) {
    if (typeof opts !== "object" || opts === null) {
      throw new VigilError("VIGIL_INVALID_ARGUMENT", "createClient: options are required");
    }
    const url = baseUrl(opts.url);
    if (typeof opts.model !== "string" || opts.model === "") {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        "createClient: model must be a non-empty string",
      );
    }
    const fetchFn = opts.fetch ?? globalThis.fetch;
    if (typeof fetchFn !== "function") {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        "createClient: no fetch available (Node 20+ has a global fetch; or pass options.fetch)",
      );
    }
    this.now = opts.now ?? Date.now;
    this.exitTimeoutMs = positiveInt("exitTimeoutMs", opts.exitTimeoutMs, 5000, 0);
    this.hooks = opts.handleExit ?? true;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const model = `${url}/api/v1/models/${encodeURIComponent(opts.model)}`;
    const common = {
      headers,
      batchSize: positiveInt("batchSize", opts.batchSize, 500),
      flushIntervalMs: positiveInt("flushIntervalMs", opts.flushIntervalMs, 1000, 0),
      maxBuffer: positiveInt("maxBufferEvents", opts.maxBufferEvents, 100_000),
      maxRetries: positiveInt("maxRetries", opts.maxRetries, 8, 0),
      backoffBaseMs: positiveInt("backoffBaseMs", opts.backoffBaseMs, 100, 0),
      backoffMaxMs: positiveInt("backoffMaxMs", opts.backoffMaxMs, 30_000, 0),
      maxRetryAfterMs: positiveInt("maxRetryAfterMs", opts.maxRetryAfterMs, 60_000, 0),
      requestTimeoutMs: positiveInt("requestTimeoutMs", opts.requestTimeoutMs, 30_000),
      concurrency: positiveInt("concurrency", opts.concurrency, 2),
      fetch: fetchFn,
      now: this.now,
      random: opts.random ?? Math.random,
      onRejected: opts.onRejected,
      onError: opts.onError,
    };
    const warnOnce = (stream: StreamName) => (kind: string, message: string) => {
      const key = `${stream}:${kind}`;
      if (this.warned.has(key)) return;
      this.warned.add(key);
      process.emitWarning(`mlvigil/client: ${message}`, { code: "VIGIL_CLIENT" });
    };
    const predictions: StreamConfig<PendingEvent> = {
      ...common,
      name: "predictions",
      endpoint: `${model}/predictions`,
      idOf: (e) => (typeof e.id === "string" ? e.id : undefined),
      warnOnce: warnOnce("predictions"),
    };
    const labels: StreamConfig<LabelItem> = {
      ...common,
      name: "labels",
      endpoint: `${model}/labels`,
      idOf: (l) => l.id,
      warnOnce: warnOnce("labels"),
    };
    this.predictions = new BatchStream(predictions);
    this.labels = new BatchStream(labels);
    if (this.hooks) registerForExit(this);
  }

  log(event: PredictionEvent): string | null {
    if (typeof event !== "object" || event === null || Array.isArray(event)) {
      this.predictions.refuse(`an event must be an object, got ${describe(event)}`);
      return null;
    }
    // A given id of the wrong type is kept as is, for the server to reject with its reason.
    const id = event.id === undefined ? randomUUID() : event.id;
    const pending = new PendingEvent(event, id, event.timestamp ?? this.now());
    return this.predictions.push(pending) ? String(id) : null;
  }

  label(id: string, value: JsonValue, timestamp?: number | string): boolean {
    return this.labels.push({ id, label: value, timestamp: timestamp ?? this.now() });
  }

  async flush(): Promise<ClientStats> {
    await Promise.all([this.predictions.flush(), this.labels.flush()]);
    return this.stats();
  }

  close(timeoutMs = this.exitTimeoutMs): Promise<ClientStats> {
    this.closing ??= this.drain(timeoutMs, true).then(() => {
      if (this.hooks) unregisterForExit(this);
      return this.stats();
    });
    return this.closing;
  }

  stats(): ClientStats {
    return { ...this.predictions.stats(), labels: this.labels.stats() };
  }

  pending(): boolean {
    return this.predictions.pending() + this.labels.pending() > 0;
  }

  drainForExit(): Promise<void> {
    return this.drain(this.exitTimeoutMs, false);
  }

  /**
   * Flushes both streams; at the deadline gives up on what is left. The deadline timer is
   * ref'd on purpose: during an exit drain it is what keeps the process alive.
   */
  private async drain(timeoutMs: number, close: boolean): Promise<void> {
    const flushed = Promise.all([this.predictions.flush(), this.labels.flush()]);
    if (close) {
      // Sealed after the flush above so items logged from here on are dropped.
      this.predictions.closed = true;
      this.labels.closed = true;
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        const why = `not sent within ${timeoutMs} ms of ${close ? "close()" : "exit"}`;
        this.predictions.giveUp(why);
        this.labels.giveUp(why);
        resolve();
      }, timeoutMs);
    });
    try {
      await Promise.race([flushed, deadline]);
      await flushed;
    } finally {
      clearTimeout(timer);
    }
  }
}

function describe(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "an array" : typeof v;
}

/** A client for one model of a `vigil serve` instance; see docs/client.md. */
export function createClient(options: ClientOptions): VigilClient {
  return new Client(options);
}
