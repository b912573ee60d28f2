/**
 * Public shapes of `mlvigil/client`. The event shape mirrors what
 * `POST /api/v1/models/{model}/predictions` accepts (docs/monitoring.md); the client does not
 * validate events beyond "is an object": the server is the one place that knows the schema,
 * and it reports each rejected event back (surfaced through `onRejected` and `stats`).
 */

/** A JSON value as it goes on the wire. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** One prediction event. `id` and `timestamp` are filled in by `log()` when absent. */
export interface PredictionEvent {
  /** Unique per model; repeated ids are idempotent on the server. Default: crypto.randomUUID(). */
  id?: string;
  /** Event time: epoch milliseconds or an ISO 8601 string. Default: the time of `log()`. */
  timestamp?: number | string;
  /** The model version that made the prediction. */
  version?: string;
  features: Record<string, unknown>;
  prediction: unknown;
  /** Class probabilities (classification) or the positive-class score (binary). */
  scores?: unknown;
  latency_ms?: number;
  /** The prediction failed: a message or code. */
  error?: unknown;
  [extra: string]: unknown;
}

/** Why the server (or the client, before sending) refused one event or label. */
export interface Rejection {
  /** The event id (labels: the prediction id the label was for). */
  id: string | undefined;
  /** Position of the item in the request that carried it. */
  index: number;
  /** The offending field, when the server names one (e.g. "features.age"). */
  field?: string;
  reason: string;
  /** A stable error code (`VIGIL_...`) when the whole request was refused, or the item's code. */
  code?: string;
  /** HTTP status of the response that refused it; 0 when refused by the client itself. */
  status: number;
}

export type StreamName = "predictions" | "labels";

/** Counters of one stream (predictions or labels). Every item logged ends in exactly one of
 * accepted, duplicates, rejected or dropped, or is still buffered / in flight:
 * `logged = accepted + duplicates + rejected + dropped + buffered + inFlight`. */
export interface StreamStats {
  /** Calls to `log()` (or `label()`), including those dropped at once. */
  logged: number;
  /** Items in requests the server answered with 2xx (accepted + duplicates + per-item rejections). */
  sent: number;
  /** Stored by the server for the first time. */
  accepted: number;
  /** Already stored (same id): a retry of a request whose answer was lost, or a repeated id. */
  duplicates: number;
  /** Refused by the server (per item or a whole 4xx request) or not serializable as JSON. */
  rejected: number;
  /** Given up by the client: buffer full, retries exhausted, exit deadline, logged after close. */
  dropped: number;
  /** Requests sent again after a network error, timeout, 429 or 5xx. */
  retries: number;
  /** Items in requests on the wire or waiting to be retried. */
  inFlight: number;
  /** Items waiting in the buffer to be sent. */
  buffered: number;
}

/** `stats()`: the prediction stream's counters, plus the label stream's under `labels`. */
export interface ClientStats extends StreamStats {
  labels: StreamStats;
}

/** A failure the client handled (retried or gave up on); for logging and alerting. */
export interface ClientErrorInfo {
  stream: StreamName;
  /**
   * "retry": the request will be sent again; "rejected": the server refused the whole request
   * (4xx other than 429; its items count as rejected); "dropped": the client gave the items up.
   */
  outcome: "retry" | "rejected" | "dropped";
  /** Items in the request. */
  items: number;
  /** HTTP status, or 0 for a network error or timeout. */
  status: number;
  message: string;
  /** Attempt that failed, 1-based. */
  attempt: number;
  /** outcome "retry": milliseconds until the next attempt (backoff, or the server's Retry-After). */
  retryInMs?: number;
}

export interface ClientOptions {
  /** Base URL of `vigil serve`, e.g. "http://127.0.0.1:7070". */
  url: string;
  /** API token (role `ingest` scoped to the model, `ml-engineer` or `admin`). */
  token?: string;
  /** Model name the events belong to. */
  model: string;
  /** Items per request (default 500). */
  batchSize?: number;
  /** Longest time an item waits in the buffer before a partial batch is sent (default 1000 ms). */
  flushIntervalMs?: number;
  /** Items held per stream (buffered + in flight) before `log()` drops new ones (default 100000). */
  maxBufferEvents?: number;
  /** Retries of one request before its items are dropped (default 8). */
  maxRetries?: number;
  /** Backoff: delay before retry n is uniform in [0, min(max, base * 2^(n-1))] (defaults 100, 30000 ms). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Largest Retry-After the client honours; longer values are capped (default 60000 ms). */
  maxRetryAfterMs?: number;
  /** A request taking longer is aborted and retried (default 30000 ms). */
  requestTimeoutMs?: number;
  /** Requests on the wire at once per stream (default 2). */
  concurrency?: number;
  /**
   * Register the process hooks (beforeExit, SIGTERM) that send what is buffered when the
   * process ends (default true). See docs/client.md, "Exit behaviour".
   */
  handleExit?: boolean;
  /** How long the exit hooks (and `close()` by default) keep sending before dropping the rest (default 5000 ms). */
  exitTimeoutMs?: number;
  /** Called with the items the server refused. Never called with an empty list. */
  onRejected?: (rejections: Rejection[], stream: StreamName) => void;
  /** Called on every failed request (whether it will be retried or not). */
  onError?: (info: ClientErrorInfo) => void;
  /** The fetch to use (default: the global fetch of Node 20+). */
  fetch?: typeof fetch;
  /** Clock for default timestamps, epoch ms (default Date.now). */
  now?: () => number;
  /** Uniform [0, 1) source for the backoff jitter (default Math.random). */
  random?: () => number;
}

export interface VigilClient {
  /**
   * Buffers one prediction event and returns its id; returns null when the event was not
   * buffered (buffer full, client closed, not an object) — counted in `stats()`. Never throws,
   * never waits. The client keeps a reference to the event until it is sent: do not mutate it.
   */
  log(event: PredictionEvent): string | null;
  /** Buffers the ground truth for prediction `id`; same guarantees as `log()`. */
  label(id: string, value: JsonValue, timestamp?: number | string): boolean;
  /** Sends everything buffered so far; resolves when each item is settled (stored, refused or dropped). */
  flush(): Promise<ClientStats>;
  /**
   * Flushes, then stops: later `log()` calls are dropped. Items still unsent after `timeoutMs`
   * (default exitTimeoutMs) are dropped. Removes the process hooks.
   */
  close(timeoutMs?: number): Promise<ClientStats>;
  stats(): ClientStats;
}
