/**
 * Configuring monitored models and listing them, shared by the HTTP routes
 * (src/server/routes/models.ts) and `vigil monitor configure --db`. Every change is written
 * with an audit entry in the same transaction.
 */
import { VigilError } from "../errors.js";
import type {
  JsonValue,
  ModelRecord,
  ModelTask,
  Repo,
  Store,
  VersionRecord,
} from "../store/index.js";
import {
  checkTask,
  isConfigured,
  MAX_NAME_LENGTH,
  parseMonitorSchema,
  parseWindow,
} from "./config.js";
import type { MonitorSchema } from "./layout.js";
import { type MonitorSettings, parseMonitorSettings } from "./settings.js";

/** What PUT /api/v1/models/:model and `vigil monitor configure` send. */
export interface ConfigureInput {
  task?: unknown;
  schema?: unknown;
  /** Seconds, or a duration string ("5m"); `window` is accepted as an alias. */
  windowSeconds?: unknown;
  window?: unknown;
  settings?: unknown;
}

/** A model as the API shows it. */
export interface ModelView {
  name: string;
  task: ModelTask;
  /** False for a model the registry created that has no monitoring schema yet. */
  configured: boolean;
  schema: MonitorSchema | null;
  windowSeconds: number;
  /** The settings as configured (absent keys take their defaults). */
  settings: JsonValue;
  /** Every setting with its default filled in; null when the stored settings do not parse. */
  effectiveSettings: MonitorSettings | null;
  createdAt: number;
  updatedAt: number;
}

export interface VersionView {
  version: string;
  metadata: JsonValue;
  createdAt: number;
  /** The reference profile's summary, or null before one is uploaded. */
  reference: {
    rows: number | null;
    createdAt: number;
    updatedAt: number;
    baseline: JsonValue;
  } | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function checkModelName(name: unknown): string {
  if (typeof name !== "string" || name.trim() === "" || name.length > MAX_NAME_LENGTH) {
    throw new VigilError(
      "VIGIL_INVALID_MONITOR_CONFIG",
      `model: a model name has 1 to ${MAX_NAME_LENGTH} characters`,
      [{ field: "model", message: "invalid name" }],
    );
  }
  return name;
}

export function modelView(m: ModelRecord): ModelView {
  const configured = isConfigured(m.schema);
  let schema: MonitorSchema | null = null;
  let effective: MonitorSettings | null = null;
  try {
    if (configured) schema = parseMonitorSchema(m.schema, m.task);
    effective = parseMonitorSettings(m.monitors);
  } catch {
    // A stored configuration that no longer parses is shown as stored; ingest reports it.
  }
  return {
    name: m.name,
    task: m.task,
    configured,
    schema: configured ? (schema ?? (m.schema as unknown as MonitorSchema)) : null,
    windowSeconds: m.windowSeconds,
    settings: m.monitors,
    effectiveSettings: effective,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

/**
 * Creates or updates a model's monitoring configuration. Creating needs task and schema;
 * an update changes only what is given (a model the registry created, with no schema yet,
 * needs a schema). Throws VIGIL_INVALID_MONITOR_CONFIG naming the field.
 */
export async function configureModel(
  store: Store | Repo,
  name: string,
  input: ConfigureInput,
  actor: string,
): Promise<{ created: boolean; model: ModelView }> {
  checkModelName(name);
  if (!isObject(input)) {
    throw new VigilError("VIGIL_INVALID_MONITOR_CONFIG", "the configuration must be an object", [
      { field: "", message: "not an object" },
    ]);
  }
  for (const key of Object.keys(input)) {
    if (!["task", "schema", "windowSeconds", "window", "settings"].includes(key)) {
      throw new VigilError(
        "VIGIL_INVALID_MONITOR_CONFIG",
        `${key}: unknown key; a configuration has task, schema, windowSeconds (or window) and settings`,
        [{ field: key, message: "unknown key" }],
      );
    }
  }
  if (input.windowSeconds !== undefined && input.window !== undefined) {
    throw new VigilError("VIGIL_INVALID_MONITOR_CONFIG", "give windowSeconds or window, not both", [
      { field: "window", message: "given twice" },
    ]);
  }
  const windowGiven = input.windowSeconds ?? input.window;
  const windowSeconds =
    windowGiven === undefined
      ? undefined
      : parseWindow(windowGiven, input.window !== undefined ? "window" : "windowSeconds");
  const settingsGiven = input.settings !== undefined;
  const settingsJson = (input.settings ?? {}) as JsonValue;
  if (settingsGiven) parseMonitorSettings(settingsJson);

  return store.transaction(async (tx) => {
    const existing = await tx.getModel(name);
    const task = input.task !== undefined ? checkTask(input.task) : existing?.task;
    if (task === undefined) {
      throw new VigilError(
        "VIGIL_INVALID_MONITOR_CONFIG",
        "task: is required for a new model (binary, multiclass or regression)",
        [{ field: "task", message: "required" }],
      );
    }
    let schema: MonitorSchema;
    if (input.schema !== undefined) schema = parseMonitorSchema(input.schema, task);
    else if (existing && isConfigured(existing.schema))
      schema = parseMonitorSchema(existing.schema, task);
    else {
      throw new VigilError(
        "VIGIL_INVALID_MONITOR_CONFIG",
        `schema: is required${existing ? ` (model "${name}" has no monitoring schema yet)` : " for a new model"}`,
        [{ field: "schema", message: "required" }],
      );
    }
    const schemaJson = schema as unknown as JsonValue;
    let model: ModelRecord;
    if (!existing) {
      model = await tx.createModel({
        name,
        task,
        schema: schemaJson,
        ...(windowSeconds !== undefined ? { windowSeconds } : {}),
        monitors: settingsJson,
      });
    } else {
      model = await tx.updateModel(name, {
        task,
        schema: schemaJson,
        ...(windowSeconds !== undefined ? { windowSeconds } : {}),
        ...(settingsGiven ? { monitors: settingsJson } : {}),
      });
    }
    await tx.appendAudit({
      actor,
      action: existing ? "monitor.configure" : "monitor.create",
      subject: `model:${name}`,
      details: {
        task,
        schema: schemaJson,
        windowSeconds: model.windowSeconds,
        ...(settingsGiven ? { settings: settingsJson } : {}),
      },
    });
    return { created: !existing, model: modelView(model) };
  });
}

export async function versionViews(
  store: Store | Repo,
  model: ModelRecord,
): Promise<VersionView[]> {
  const versions = await store.listVersions(model.id);
  const out: VersionView[] = [];
  for (const v of versions) out.push(await versionView(store, v));
  return out;
}

export async function versionView(store: Store | Repo, v: VersionRecord): Promise<VersionView> {
  const ref = await store.getReferenceProfile(v.id);
  const rows =
    isObject(ref?.baseline) && typeof ref.baseline.rows === "number" ? ref.baseline.rows : null;
  return {
    version: v.version,
    metadata: v.metadata,
    createdAt: v.createdAt,
    reference: ref
      ? { rows, createdAt: ref.createdAt, updatedAt: ref.updatedAt, baseline: ref.baseline }
      : null,
  };
}

/** Creates a version of a model (any model, configured or not), with an audit entry. */
export async function createModelVersion(
  store: Store | Repo,
  modelName: string,
  input: { version?: unknown; metadata?: unknown },
  actor: string,
): Promise<VersionView> {
  const version = input.version;
  if (
    typeof version === "string"
      ? version.trim() === "" || version.length > MAX_NAME_LENGTH
      : typeof version !== "number"
  ) {
    throw new VigilError(
      "VIGIL_INVALID_MONITOR_CONFIG",
      `version: must be a version name of 1 to ${MAX_NAME_LENGTH} characters`,
      [{ field: "version", message: "invalid" }],
    );
  }
  const metadata = input.metadata ?? {};
  if (!isObject(metadata)) {
    throw new VigilError("VIGIL_INVALID_MONITOR_CONFIG", "metadata: must be an object", [
      { field: "metadata", message: "not an object" },
    ]);
  }
  return store.transaction(async (tx) => {
    const model = await tx.requireModel(modelName);
    const v = await tx.createVersion(model.id, {
      version: String(version),
      metadata: metadata as JsonValue,
    });
    await tx.appendAudit({
      actor,
      action: "monitor.version.create",
      subject: `model:${model.name}/${v.version}`,
      details: { metadata: metadata as JsonValue },
    });
    return versionView(tx, v);
  });
}
