/**
 * A model's monitoring configuration: its schema (features with kinds, classes, positive
 * class), window size and settings, checked once when it is set (PUT /api/v1/models/:model,
 * `vigil monitor configure`) and read back by ingest and window evaluation.
 */
import { VigilError } from "../errors.js";
import type { ColumnKind } from "../sketch/index.js";
import {
  DEFAULT_WINDOW_SECONDS,
  type JsonValue,
  MODEL_TASKS,
  type ModelRecord,
  type ModelTask,
} from "../store/types.js";
import { type MonitorSchema, profileColumns } from "./layout.js";
import { type MonitorSettings, parseMonitorSettings } from "./settings.js";

export const FEATURE_KINDS: readonly ColumnKind[] = ["numeric", "categorical"];
/** Longest feature name and class label. */
export const MAX_NAME_LENGTH = 200;
export const MAX_FEATURES = 2000;
export const MAX_CLASSES = 1000;
/** Window sizes from one second to 31 days. */
export const MAX_WINDOW_SECONDS = 31 * 86_400;

function invalid(field: string, message: string): VigilError {
  return new VigilError("VIGIL_INVALID_MONITOR_CONFIG", `${field}: ${message}`, [
    { field, message },
  ]);
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function checkTask(task: unknown, field = "task"): ModelTask {
  if (!MODEL_TASKS.includes(task as ModelTask)) {
    throw invalid(field, `must be one of ${MODEL_TASKS.join(", ")}, got ${show(task)}`);
  }
  return task as ModelTask;
}

function label(v: unknown, field: string): string {
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  if (typeof v === "boolean") return String(v);
  if (typeof v !== "string" || v === "" || v.length > MAX_NAME_LENGTH) {
    throw invalid(field, `must be a class label (a string of 1 to ${MAX_NAME_LENGTH} characters)`);
  }
  return v;
}

/**
 * Checks a monitoring schema for a task and returns it in canonical form (class labels as
 * strings). Feature names may not start with "$", which the profile layout reserves.
 */
export function parseMonitorSchema(
  schema: unknown,
  task: ModelTask,
  field = "schema",
): MonitorSchema {
  if (!isObject(schema))
    throw invalid(field, `must be an object with "features", got ${show(schema)}`);
  for (const key of Object.keys(schema)) {
    if (key !== "features" && key !== "classes" && key !== "positiveClass") {
      throw invalid(
        `${field}.${key}`,
        "unknown key; a schema has features, classes and positiveClass",
      );
    }
  }
  const features = schema.features;
  if (!isObject(features)) {
    throw invalid(
      `${field}.features`,
      `must be an object of feature name -> kind, got ${show(features)}`,
    );
  }
  const names = Object.keys(features);
  if (names.length > MAX_FEATURES) {
    throw invalid(
      `${field}.features`,
      `has ${names.length} features; at most ${MAX_FEATURES} are allowed`,
    );
  }
  const out: MonitorSchema = { features: {} };
  for (const name of names) {
    const f = `${field}.features.${name}`;
    if (name.trim() === "" || name.length > MAX_NAME_LENGTH) {
      throw invalid(f, `a feature name must have 1 to ${MAX_NAME_LENGTH} characters`);
    }
    if (name === "__proto__") throw invalid(f, '"__proto__" is not a valid feature name');
    if (name.startsWith("$")) {
      throw invalid(
        f,
        'feature names may not start with "$" (reserved for $prediction, $score, ...)',
      );
    }
    const kind = features[name];
    if (!FEATURE_KINDS.includes(kind as ColumnKind)) {
      throw invalid(f, `the kind must be ${FEATURE_KINDS.join(" or ")}, got ${show(kind)}`);
    }
    out.features[name] = kind as ColumnKind;
  }
  if (schema.classes !== undefined && schema.classes !== null) {
    if (task === "regression")
      throw invalid(`${field}.classes`, "a regression model has no classes");
    if (
      !Array.isArray(schema.classes) ||
      schema.classes.length < 2 ||
      schema.classes.length > MAX_CLASSES
    ) {
      throw invalid(`${field}.classes`, `must be a list of 2 to ${MAX_CLASSES} class labels`);
    }
    const classes = schema.classes.map((c, i) => label(c, `${field}.classes[${i}]`));
    if (new Set(classes).size !== classes.length)
      throw invalid(`${field}.classes`, "has a repeated label");
    if (task === "binary" && classes.length !== 2) {
      throw invalid(`${field}.classes`, `a binary model has 2 classes, got ${classes.length}`);
    }
    out.classes = classes;
  }
  if (schema.positiveClass !== undefined && schema.positiveClass !== null) {
    if (task !== "binary")
      throw invalid(`${field}.positiveClass`, "only a binary model has a positive class");
    const p = label(schema.positiveClass, `${field}.positiveClass`);
    if (out.classes && !out.classes.includes(p)) {
      throw invalid(
        `${field}.positiveClass`,
        `must be one of the classes (${out.classes.join(", ")}), got ${show(p)}`,
      );
    }
    out.positiveClass = p;
  }
  return out;
}

/** True when a stored schema is a monitoring schema (the registry creates models with `{}`). */
export function isConfigured(schema: JsonValue): boolean {
  return isObject(schema) && isObject(schema.features);
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** Window size in seconds from a number of seconds or "300s", "5m", "1h", "1d". */
export function parseWindow(v: unknown, field = "window"): number {
  let seconds: number;
  if (typeof v === "number") seconds = v;
  else if (typeof v === "string") {
    const m = /^\s*(\d+)\s*([smhd]?)\s*$/.exec(v);
    if (!m)
      throw invalid(field, `must be seconds or a duration such as 300s, 5m, 1h, got ${show(v)}`);
    seconds = Number(m[1]) * (UNIT_SECONDS[m[2] || "s"] as number);
  } else throw invalid(field, `must be seconds or a duration such as 5m, got ${show(v)}`);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_WINDOW_SECONDS) {
    throw invalid(
      field,
      `must be a whole number of seconds from 1 to ${MAX_WINDOW_SECONDS} (31 days), got ${show(v)}`,
    );
  }
  return seconds;
}

/** What ingest and evaluation need of a configured model, parsed once. */
export interface MonitorConfig {
  model: ModelRecord;
  task: ModelTask;
  schema: MonitorSchema;
  windowMs: number;
  settings: MonitorSettings;
  /** Column name -> kind of the model's window and reference profiles. */
  columns: Record<string, ColumnKind>;
  /** The class a bare-number score is the probability of (binary), default "1". */
  positiveClass: string;
}

/**
 * The model's monitoring configuration, or null when it has none yet (created by the
 * registry with an empty schema). A stored configuration that no longer parses (written by
 * hand, or by an older Vigil) raises VIGIL_INVALID_MONITOR_CONFIG.
 */
export function monitorConfig(model: ModelRecord): MonitorConfig | null {
  if (!isConfigured(model.schema)) return null;
  const schema = parseMonitorSchema(model.schema, model.task);
  return {
    model,
    task: model.task,
    schema,
    windowMs: (model.windowSeconds || DEFAULT_WINDOW_SECONDS) * 1000,
    settings: parseMonitorSettings(model.monitors),
    columns: profileColumns(model.task, schema),
    positiveClass: schema.positiveClass ?? "1",
  };
}

/** Like monitorConfig, but a model without a schema is an error that says what to do. */
export function requireMonitorConfig(model: ModelRecord): MonitorConfig {
  const config = monitorConfig(model);
  if (!config) {
    throw new VigilError(
      "VIGIL_INVALID_MONITOR_CONFIG",
      `Model "${model.name}" has no monitoring schema yet; configure it first (PUT /api/v1/models/${model.name} or \`vigil monitor configure --model ${model.name} --schema schema.yaml\`).`,
      [{ field: "schema", message: "not configured" }],
    );
  }
  return config;
}

/** Start of the window holding time `t` (epoch ms): windows are aligned to the epoch. */
export function windowStartOf(t: number, windowMs: number): number {
  return t - (((t % windowMs) + windowMs) % windowMs);
}
