/**
 * One prediction event, checked against its model's configuration. An event is
 *   { id, timestamp?, version?, features: {...}, prediction, scores?, latency_ms?, error? }
 * plus any other keys (kept in the raw event, not profiled). Each problem becomes a
 * rejection naming the field, so a batch can store its good events and report the rest.
 * docs/monitoring.md ("Events") is the user-facing description of these rules.
 */
import type { ErrorCode } from "../errors.js";
import type { ColumnKind } from "../sketch/index.js";
import type { MonitorConfig } from "./config.js";

/** Why one event (or label) was not stored. `field` is "" when the item as a whole is wrong. */
export interface Rejection {
  /** 0-based position of the item in the request (NDJSON: among its non-blank lines). */
  index: number;
  /** The item's id, when it had a usable one. */
  id?: string;
  field: string;
  reason: string;
  code: ErrorCode;
  /** NDJSON: the 1-based line of the request body. */
  line?: number;
}

/** An event that passed validation. */
export interface CheckedEvent {
  index: number;
  id: string;
  version: string;
  /** Epoch ms. */
  timestamp: number;
  /** The event object (profiled). */
  event: Record<string, unknown>;
  /** The JSON text to store: the request's own line for NDJSON, else serialized later. */
  text: string | undefined;
  /** NDJSON: the 1-based line of the request body. */
  line?: number;
}

/** An item of a request body before validation. */
export interface IncomingItem {
  /** The parsed value (undefined when `parseError` is set). */
  value: unknown;
  /** The item's JSON text as received (NDJSON lines). */
  text?: string;
  /** NDJSON: the line is not valid JSON. */
  parseError?: string;
  line?: number;
  /** Split but not parsed yet: `value` is still to be read from `text` (parseIncoming). */
  unparsed?: boolean;
}

/** Ids are stored in a 256-character column. */
export const MAX_ID_LENGTH = 256;
export const MAX_VERSION_LENGTH = 200;
/** Nesting allowed inside an event (unknown feature values, error details, extra keys). */
export const MAX_EVENT_DEPTH = 32;
/** Keys of a scores object. */
export const MAX_SCORE_KEYS = 1000;
/** Longest value of the $unknown column (the sorted unknown names, joined). */
export const MAX_UNKNOWN_VALUE = 256;

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;
const NUMBER_WORDS = /^[+-]?(nan|inf|infinity)$/i;

class EventProblem {
  constructor(
    readonly field: string,
    readonly reason: string,
    readonly code: ErrorCode = "VIGIL_INVALID_EVENT",
  ) {}
}

function fail(field: string, reason: string): never {
  throw new EventProblem(field, reason);
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") {
    return v.length > 40
      ? `the string ${JSON.stringify(`${v.slice(0, 40)}…`)}`
      : `the string ${JSON.stringify(v)}`;
  }
  if (typeof v === "object") return "an object";
  return `${typeof v} ${String(v)}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks the UTF-8 size of a string without encoding short ones. */
function checkString(s: string, field: string, maxBytes: number): void {
  if (s.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(s, "utf8");
  if (bytes > maxBytes) {
    fail(
      field,
      `a string of ${bytes} bytes; at most ${maxBytes} are accepted (settings.ingest.maxStringBytes)`,
    );
  }
}

/** Walks a free-form value (unknown feature, error, extra key): string sizes and depth. */
function checkFree(v: unknown, field: string, maxBytes: number, depth: number): void {
  if (typeof v === "string") {
    checkString(v, field, maxBytes);
    return;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v)) fail(field, "a number outside the range of a double");
    return;
  }
  if (v === null || typeof v !== "object") return;
  if (depth >= MAX_EVENT_DEPTH) fail(field, `nested more than ${MAX_EVENT_DEPTH} levels deep`);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) checkFree(v[i], `${field}[${i}]`, maxBytes, depth + 1);
    return;
  }
  if (Object.hasOwn(v, "__proto__")) fail(field, 'a "__proto__" key is refused');
  for (const key in v) {
    checkString(key, field, maxBytes);
    checkFree((v as Record<string, unknown>)[key], `${field}.${key}`, maxBytes, depth + 1);
  }
}

function eventId(v: unknown): string {
  if (typeof v === "string") {
    if (v.length === 0 || v.length > MAX_ID_LENGTH || v.trim() === "") {
      fail("id", `must be a non-empty string of at most ${MAX_ID_LENGTH} characters`);
    }
    return v;
  }
  if (typeof v === "number" && Number.isSafeInteger(v)) return String(v);
  if (v === undefined) fail("id", "is required (a unique string per model)");
  return fail("id", `must be a string, got ${describe(v)}`);
}

/** Epoch ms from a number of milliseconds or an RFC 3339 / ISO 8601 time with an offset. */
export function parseTimestamp(v: unknown, field = "timestamp"): number {
  if (typeof v === "number") {
    if (!Number.isFinite(v) || v < 0) fail(field, "must be epoch milliseconds >= 0");
    return Math.floor(v);
  }
  if (typeof v === "string") {
    if (!RFC3339.test(v)) {
      fail(
        field,
        `must be epoch milliseconds or an ISO 8601 time with a zone (2026-01-31T12:00:00Z), got ${describe(v)}`,
      );
    }
    const t = Date.parse(v);
    if (!Number.isFinite(t) || t < 0) fail(field, `is not a valid time: ${describe(v)}`);
    return t;
  }
  return fail(field, `must be epoch milliseconds or an ISO 8601 string, got ${describe(v)}`);
}

/** What checkEvent reads of a model's configuration (plain data: it crosses threads). */
export interface EventRules {
  task: MonitorConfig["task"];
  /** The positive class of a binary model (the profile's score column reads it). */
  positiveClass: string;
  schema: Pick<MonitorConfig["schema"], "features">;
  settings: Pick<MonitorConfig["settings"], "ingest">;
}

/** The rules of a configuration, as plain data. */
export function eventRules(config: MonitorConfig): EventRules {
  return {
    task: config.task,
    positiveClass: config.positiveClass,
    schema: { features: config.schema.features },
    settings: { ingest: config.settings.ingest },
  };
}

/**
 * The schema's features as a Map, one per schema object (parsed schemas are not changed
 * afterwards): a Map lookup of each feature name costs less than an own-property test and a
 * load keyed by a different name each time.
 */
const kindMaps = new WeakMap<object, ReadonlyMap<string, ColumnKind>>();

function featureKinds(features: Record<string, ColumnKind>): ReadonlyMap<string, ColumnKind> {
  let kinds = kindMaps.get(features);
  if (kinds === undefined) {
    kinds = new Map(Object.entries(features));
    kindMaps.set(features, kinds);
  }
  return kinds;
}

/** What a request-independent check needs besides the configuration. */
export interface CheckContext {
  /** The parts of the model's configuration an event is checked against. */
  config: EventRules;
  /** Server time, epoch ms. */
  now: number;
}

/** True when the event reports an error (anything but absent, null, false or ""). */
export function hasError(v: unknown): boolean {
  return v !== undefined && v !== null && v !== false && v !== "";
}

/**
 * `parent.name`, or `name` at the top. The checks below take the two parts and join them
 * only to report a problem: joining them for every feature of every event cost a string
 * allocation per value on the path that checks 50,000 events a second.
 */
function fieldName(parent: string, name: string): string {
  return parent === "" ? name : `${parent}.${name}`;
}

function checkNumber(v: unknown, parent: string, name: string): void {
  if (typeof v === "number") {
    if (!Number.isFinite(v))
      fail(fieldName(parent, name), "a number outside the range of a double");
    return;
  }
  if (v === null || v === undefined) return;
  const field = fieldName(parent, name);
  if (typeof v === "string" && NUMBER_WORDS.test(v.trim())) {
    fail(
      field,
      `${describe(v)} is not a number; send null for a missing value (JSON has no NaN or Infinity)`,
    );
  }
  fail(field, `must be a number or null, got ${describe(v)}`);
}

function checkCategory(v: unknown, parent: string, name: string, maxBytes: number): void {
  if (typeof v === "string") {
    if (v.length * 3 > maxBytes) checkString(v, fieldName(parent, name), maxBytes);
    return;
  }
  if (typeof v === "number") {
    if (!Number.isFinite(v))
      fail(fieldName(parent, name), "a number outside the range of a double");
    return;
  }
  if (v === null || v === undefined || typeof v === "boolean") return;
  fail(fieldName(parent, name), `must be a string, number, boolean or null, got ${describe(v)}`);
}

function checkScores(v: unknown): void {
  if (v === undefined || v === null) return;
  if (typeof v === "number") {
    if (!Number.isFinite(v)) fail("scores", "a number outside the range of a double");
    return;
  }
  if (!isObject(v)) {
    fail(
      "scores",
      `must be a number (binary: the positive class's score) or an object of class -> score, got ${describe(v)}`,
    );
  }
  let n = 0;
  for (const key in v) {
    if (++n > MAX_SCORE_KEYS) fail("scores", `has more than ${MAX_SCORE_KEYS} classes`);
    if (key.length > 200) fail("scores", "a class label longer than 200 characters");
    const s = v[key];
    if (typeof s !== "number" || !Number.isFinite(s)) {
      fail(`scores.${key}`, `must be a finite number, got ${describe(s)}`);
    }
  }
}

/**
 * Validates one incoming item; returns the checked event or its rejection. Pure: no store
 * access (the version is resolved later, by name).
 */
export function checkEvent(
  item: IncomingItem,
  index: number,
  ctx: CheckContext,
): CheckedEvent | Rejection {
  const { config, now } = ctx;
  const ingest = config.settings.ingest;
  const maxBytes = ingest.maxStringBytes;
  let id: string | undefined;
  try {
    if (item.parseError !== undefined) fail("", `not valid JSON: ${item.parseError}`);
    const e = item.value;
    if (!isObject(e)) fail("", `an event must be a JSON object, got ${describe(e)}`);
    if (Object.hasOwn(e, "__proto__")) fail("", 'a "__proto__" key is refused');
    id = eventId(e.id);

    let version: string;
    const v = e.version;
    if (v === undefined || v === null) {
      if (ingest.defaultVersion === null) {
        fail("version", "is required (the model version that made the prediction)");
      }
      version = ingest.defaultVersion;
    } else if (typeof v === "string" || (typeof v === "number" && Number.isFinite(v))) {
      version = String(v);
      if (version === "" || version.length > MAX_VERSION_LENGTH) {
        fail("version", `must have 1 to ${MAX_VERSION_LENGTH} characters`);
      }
    } else version = fail("version", `must be a string, got ${describe(v)}`);

    const timestamp =
      e.timestamp === undefined || e.timestamp === null ? now : parseTimestamp(e.timestamp);
    if (timestamp > now + ingest.maxFutureSeconds * 1000) {
      fail("timestamp", `is more than ${ingest.maxFutureSeconds} s ahead of the server's clock`);
    }
    if (ingest.retentionDays !== null && timestamp < now - ingest.retentionDays * 86_400_000) {
      fail(
        "timestamp",
        `is older than the model's raw-event retention (${ingest.retentionDays} days)`,
      );
    }

    const features = e.features;
    const known = featureKinds(config.schema.features);
    if (features !== undefined && features !== null) {
      if (!isObject(features))
        fail("features", `must be an object of name -> value, got ${describe(features)}`);
      if (Object.hasOwn(features, "__proto__")) fail("features", 'a "__proto__" key is refused');
      const count = ingest.typeErrors === "count";
      for (const name in features) {
        const value = features[name];
        const kind = known.get(name);
        if (kind === undefined) {
          checkString(name, "features", maxBytes);
          checkFree(value, `features.${name}`, maxBytes, 2);
        } else if (count) {
          // Wrong types are counted by the profile; only sizes and depth are checked.
          checkFree(value, `features.${name}`, maxBytes, 2);
        } else if (kind === "numeric") checkNumber(value, "features", name);
        else checkCategory(value, "features", name, maxBytes);
      }
    }

    const failed = hasError(e.error);
    const p = e.prediction;
    if (p === undefined || p === null) {
      if (!failed) fail("prediction", "is required (unless the event reports an error)");
    } else if (config.task === "regression") {
      if (typeof p !== "number")
        fail("prediction", `must be a number for a regression model, got ${describe(p)}`);
      if (!Number.isFinite(p)) fail("prediction", "a number outside the range of a double");
    } else checkCategory(p, "", "prediction", maxBytes);

    checkScores(e.scores);
    const latency = e.latency_ms;
    if (latency !== undefined && latency !== null) {
      if (typeof latency !== "number" || !Number.isFinite(latency) || latency < 0) {
        fail("latency_ms", `must be a number of milliseconds >= 0, got ${describe(latency)}`);
      }
    }
    if (e.error !== undefined) checkFree(e.error, "error", maxBytes, 1);
    for (const key in e) {
      switch (key) {
        case "id":
        case "version":
        case "timestamp":
        case "features":
        case "prediction":
        case "scores":
        case "latency_ms":
        case "error":
          break;
        default:
          checkString(key, "", maxBytes);
          checkFree(e[key], key, maxBytes, 1);
      }
    }
    const ok: CheckedEvent = { index, id, version, timestamp, event: e, text: item.text };
    if (item.line !== undefined) ok.line = item.line;
    return ok;
  } catch (err) {
    if (!(err instanceof EventProblem)) throw err;
    const r: Rejection = { index, field: err.field, reason: err.reason, code: err.code };
    if (id !== undefined) r.id = id;
    if (item.line !== undefined) r.line = item.line;
    return r;
  }
}

export function isRejection<T extends object>(x: T | Rejection): x is Rejection {
  return (x as Rejection).code !== undefined;
}
