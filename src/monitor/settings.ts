/**
 * A monitored model's settings: the JSON stored in `models.monitors_json`. Two owners share
 * it, each reading only its own keys:
 *   ingest        how events are accepted and stored (this file, docs/monitoring.md);
 *   graceSeconds, drift, quality, volume, performance, operations
 *                 how windows are evaluated (evaluation-settings.ts, docs/monitors.md).
 * parseMonitorSettings checks both and refuses unknown top-level keys, so a typo in a
 * configuration is an error instead of a setting silently left at its default.
 */
import { isVigilError, VigilError } from "../errors.js";
import type { JsonValue } from "../store/types.js";
import {
  defaultEvaluationSettings,
  type EvaluationSettings,
  evaluationSettings,
} from "./evaluation-settings.js";

/** How events are accepted and kept. Every field has a default (DEFAULT_INGEST_SETTINGS). */
export interface IngestSettings {
  /**
   * Days raw events are kept; older ones are deleted by sweepRetention and events with an
   * older timestamp are rejected (their ids could no longer be deduplicated). null = forever.
   */
  retentionDays: number | null;
  /**
   * Share of events whose full payload is stored, chosen by a hash of the event id (so a
   * retried event gets the same decision). The others are stored without their features
   * (id, time, prediction and scores only): they still count in the window profiles and in
   * performance, but their window can no longer be rebuilt from raw events. 1 = all.
   */
  sampleRate: number;
  /** An unknown version: create it on first sight (true) or reject the event (false). */
  autoCreateVersions: boolean;
  /** The version of events that name none; null: such events are rejected. */
  defaultVersion: string | null;
  /** Longest string anywhere in an event, in UTF-8 bytes; longer ones reject the event. */
  maxStringBytes: number;
  /**
   * A feature value of the wrong type (a string for a numeric feature, an object for a
   * categorical one): "reject" the event, or "count" it as a type error in the window
   * profile (a data-quality signal) and accept the event.
   */
  typeErrors: "reject" | "count";
  /** Events stamped further ahead of the server's clock than this are rejected. */
  maxFutureSeconds: number;
}

export const DEFAULT_INGEST_SETTINGS: Readonly<IngestSettings> = Object.freeze({
  retentionDays: 30,
  sampleRate: 1,
  autoCreateVersions: false,
  defaultVersion: null,
  maxStringBytes: 65_536,
  typeErrors: "reject",
  maxFutureSeconds: 3600,
});

/** Every setting of a model, defaults filled in. */
export interface MonitorSettings {
  ingest: IngestSettings;
  evaluation: EvaluationSettings;
}

/** The top-level keys the evaluation owns (whatever defaultEvaluationSettings has). */
const EVALUATION_KEYS: ReadonlySet<string> = new Set(Object.keys(defaultEvaluationSettings()));

function invalid(field: string, message: string): VigilError {
  return new VigilError("VIGIL_INVALID_MONITOR_CONFIG", `settings.${field}: ${message}`, [
    { field: `settings.${field}`, message },
  ]);
}

function isObject(v: unknown): v is Record<string, JsonValue> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

/** The ingest settings from a model's monitors JSON (defaults for absent keys). */
export function ingestSettings(monitors: JsonValue | undefined): IngestSettings {
  const out: IngestSettings = { ...DEFAULT_INGEST_SETTINGS };
  if (!isObject(monitors) || monitors.ingest === undefined || monitors.ingest === null) return out;
  const given = monitors.ingest;
  if (!isObject(given)) throw invalid("ingest", `must be an object, got ${show(given)}`);
  for (const [key, v] of Object.entries(given)) {
    const field = `ingest.${key}`;
    switch (key) {
      case "retentionDays":
        if (v !== null && !(typeof v === "number" && v > 0 && v <= 36_500)) {
          throw invalid(field, `must be a number of days in (0, 36500] or null, got ${show(v)}`);
        }
        out.retentionDays = v;
        break;
      case "sampleRate":
        if (!(typeof v === "number" && v > 0 && v <= 1)) {
          throw invalid(field, `must be a share in (0, 1], got ${show(v)}`);
        }
        out.sampleRate = v;
        break;
      case "autoCreateVersions":
        if (typeof v !== "boolean") throw invalid(field, `must be true or false, got ${show(v)}`);
        out.autoCreateVersions = v;
        break;
      case "defaultVersion":
        if (v !== null && !(typeof v === "string" && v.length > 0 && v.length <= 200)) {
          throw invalid(field, `must be a version name or null, got ${show(v)}`);
        }
        out.defaultVersion = v;
        break;
      case "maxStringBytes":
        if (!(typeof v === "number" && Number.isInteger(v) && v >= 16 && v <= 16_777_216)) {
          throw invalid(field, `must be an integer from 16 to 16777216, got ${show(v)}`);
        }
        out.maxStringBytes = v;
        break;
      case "typeErrors":
        if (v !== "reject" && v !== "count") {
          throw invalid(field, `must be "reject" or "count", got ${show(v)}`);
        }
        out.typeErrors = v;
        break;
      case "maxFutureSeconds":
        if (!(typeof v === "number" && v >= 0 && v <= 31_536_000)) {
          throw invalid(field, `must be seconds from 0 to 31536000, got ${show(v)}`);
        }
        out.maxFutureSeconds = v;
        break;
      default:
        throw invalid(
          field,
          `unknown setting; ingest settings are ${Object.keys(DEFAULT_INGEST_SETTINGS).join(", ")}`,
        );
    }
  }
  return out;
}

/**
 * Checks a whole monitors JSON (as PUT /api/v1/models/:model or `vigil monitor configure`
 * send it) and returns the effective settings. Throws VIGIL_INVALID_MONITOR_CONFIG naming
 * the field; an evaluation setting a window cannot compute keeps its own code
 * (VIGIL_METHOD_NOT_APPLICABLE).
 */
export function parseMonitorSettings(monitors: JsonValue | undefined): MonitorSettings {
  if (monitors !== undefined && monitors !== null && !isObject(monitors)) {
    throw new VigilError(
      "VIGIL_INVALID_MONITOR_CONFIG",
      `settings must be an object, got ${show(monitors)}`,
      [{ field: "settings", message: "must be an object" }],
    );
  }
  for (const key of Object.keys(monitors ?? {})) {
    if (key !== "ingest" && !EVALUATION_KEYS.has(key)) {
      throw invalid(
        key,
        `unknown setting; the settings are ingest, ${[...EVALUATION_KEYS].join(", ")}`,
      );
    }
  }
  const ingest = ingestSettings(monitors ?? undefined);
  let evaluation: EvaluationSettings;
  try {
    evaluation = evaluationSettings(monitors ?? undefined);
  } catch (err) {
    if (isVigilError(err) && err.code === "VIGIL_CONFIG_INVALID") {
      const field = err.details[0]?.field;
      throw new VigilError(
        "VIGIL_INVALID_MONITOR_CONFIG",
        err.message.replace(/^monitor settings: /, "settings."),
        field ? [{ field: `settings.${field}`, message: err.details[0]!.message }] : [],
      );
    }
    throw err;
  }
  return { ingest, evaluation };
}
