/**
 * The MLflow 2.x REST responses the import reads, and their checks. Shapes follow
 * mlflow/protos/model_registry.proto and service.proto as the tracking server serializes
 * them (protobuf JSON with the field names of the proto): empty repeated fields and unset
 * optional fields are left out, int64 timestamps come as numbers (or numeric strings from
 * stricter proxies), and a double metric may be "NaN" or "Infinity". Anything else is a
 * malformed response: VIGIL_MLFLOW_BAD_RESPONSE naming the endpoint and the field.
 */
import { VigilError } from "../errors.js";

export interface MlflowKV {
  key: string;
  value: string;
}

export interface MlflowRegisteredModel {
  name: string;
  creationTimestamp: number | null;
  lastUpdatedTimestamp: number | null;
  description: string | null;
  tags: MlflowKV[];
  /** RegisteredModelAlias: alias -> version ("3"). */
  aliases: { alias: string; version: string }[];
}

export interface MlflowModelVersion {
  name: string;
  version: string;
  creationTimestamp: number | null;
  lastUpdatedTimestamp: number | null;
  userId: string | null;
  /** None, Staging, Production, Archived (legacy stages). */
  currentStage: string | null;
  description: string | null;
  /** Where the model's artifacts are (runs:/..., mlflow-artifacts:/..., s3://...). */
  source: string | null;
  runId: string | null;
  /** READY, PENDING_REGISTRATION, FAILED_REGISTRATION. */
  status: string | null;
  statusMessage: string | null;
  runLink: string | null;
  tags: MlflowKV[];
  aliases: string[];
}

/** A metric's latest value; non-finite doubles stay the strings MLflow sent. */
export type MlflowMetricValue = number | "NaN" | "Infinity" | "-Infinity";

export interface MlflowDatasetInput {
  tags: MlflowKV[];
  dataset: {
    name: string;
    digest: string;
    sourceType: string;
    /** JSON text describing the source, e.g. {"uri": "s3://bucket/train.parquet"}. */
    source: string;
    schema: string | null;
    profile: string | null;
  };
}

export interface MlflowRun {
  info: {
    runId: string;
    experimentId: string | null;
    runName: string | null;
    userId: string | null;
    status: string | null;
    startTime: number | null;
    endTime: number | null;
    artifactUri: string | null;
    lifecycleStage: string | null;
  };
  data: {
    metrics: {
      key: string;
      value: MlflowMetricValue;
      timestamp: number | null;
      step: number | null;
    }[];
    params: MlflowKV[];
    tags: MlflowKV[];
  };
  datasetInputs: MlflowDatasetInput[];
}

export interface Page<T> {
  items: T[];
  nextPageToken: string | null;
}

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return typeof v === "object" ? "an object" : `${typeof v} ${String(v)}`;
}

/** Reads one response body; every failure names the endpoint and the field's path. */
class Reader {
  constructor(private readonly endpoint: string) {}

  fail(path: string, expected: string, got: unknown): never {
    const message = `${path} should be ${expected}, got ${describe(got)}`;
    throw new VigilError(
      "VIGIL_MLFLOW_BAD_RESPONSE",
      `MLflow's answer to ${this.endpoint} is malformed: ${message}.`,
      [{ field: path, message }],
    );
  }

  obj(v: unknown, path: string): Obj {
    if (typeof v !== "object" || v === null || Array.isArray(v)) this.fail(path, "an object", v);
    return v as Obj;
  }

  /** A repeated field: absent means empty. */
  arr(v: unknown, path: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail(path, "an array", v);
    return v;
  }

  str(v: unknown, path: string): string {
    if (typeof v !== "string" || v === "") this.fail(path, "a non-empty string", v);
    return v;
  }

  /** An optional string field: absent or empty means unset. */
  optStr(v: unknown, path: string): string | null {
    if (v === undefined || v === null || v === "") return null;
    if (typeof v !== "string") this.fail(path, "a string", v);
    return v;
  }

  /** An int64: a JSON number or, as the protobuf JSON mapping allows, a numeric string. */
  optInt(v: unknown, path: string): number | null {
    if (v === undefined || v === null) return null;
    const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isSafeInteger(n)) this.fail(path, "an integer", v);
    return n;
  }

  kvs(v: unknown, path: string): MlflowKV[] {
    return this.arr(v, path).map((e, i) => {
      const o = this.obj(e, `${path}[${i}]`);
      // MLflow keeps tags and params with empty values; only the key must be set.
      const value = o.value === undefined ? "" : o.value;
      if (typeof value !== "string") this.fail(`${path}[${i}].value`, "a string", value);
      return { key: this.str(o.key, `${path}[${i}].key`), value };
    });
  }

  version(v: unknown, path: string): string {
    const s = typeof v === "number" ? String(v) : v;
    if (typeof s !== "string" || !/^[1-9]\d{0,15}$/.test(s)) {
      this.fail(path, "a version number", v);
    }
    return s;
  }

  token(v: unknown, path: string): string | null {
    return this.optStr(v, path);
  }
}

function registeredModel(r: Reader, v: unknown, path: string): MlflowRegisteredModel {
  const o = r.obj(v, path);
  return {
    name: r.str(o.name, `${path}.name`),
    creationTimestamp: r.optInt(o.creation_timestamp, `${path}.creation_timestamp`),
    lastUpdatedTimestamp: r.optInt(o.last_updated_timestamp, `${path}.last_updated_timestamp`),
    description: r.optStr(o.description, `${path}.description`),
    tags: r.kvs(o.tags, `${path}.tags`),
    aliases: r.arr(o.aliases, `${path}.aliases`).map((a, i) => {
      const p = `${path}.aliases[${i}]`;
      const ao = r.obj(a, p);
      return {
        alias: r.str(ao.alias, `${p}.alias`),
        version: r.version(ao.version, `${p}.version`),
      };
    }),
  };
}

function modelVersion(r: Reader, v: unknown, path: string): MlflowModelVersion {
  const o = r.obj(v, path);
  const status = o.status;
  return {
    name: r.str(o.name, `${path}.name`),
    version: r.version(o.version, `${path}.version`),
    creationTimestamp: r.optInt(o.creation_timestamp, `${path}.creation_timestamp`),
    lastUpdatedTimestamp: r.optInt(o.last_updated_timestamp, `${path}.last_updated_timestamp`),
    userId: r.optStr(o.user_id, `${path}.user_id`),
    currentStage: r.optStr(o.current_stage, `${path}.current_stage`),
    description: r.optStr(o.description, `${path}.description`),
    source: r.optStr(o.source, `${path}.source`),
    runId: r.optStr(o.run_id, `${path}.run_id`),
    // An enum: its name, or its number from serializers that write enums as integers.
    status:
      typeof status === "number"
        ? (["", "PENDING_REGISTRATION", "FAILED_REGISTRATION", "READY"][status] ?? String(status))
        : r.optStr(status, `${path}.status`),
    statusMessage: r.optStr(o.status_message, `${path}.status_message`),
    runLink: r.optStr(o.run_link, `${path}.run_link`),
    tags: r.kvs(o.tags, `${path}.tags`),
    aliases: r.arr(o.aliases, `${path}.aliases`).map((a, i) => r.str(a, `${path}.aliases[${i}]`)),
  };
}

const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity"]);

function run(r: Reader, v: unknown, path: string): MlflowRun {
  const o = r.obj(v, path);
  const info = r.obj(o.info, `${path}.info`);
  const data = o.data === undefined ? {} : r.obj(o.data, `${path}.data`);
  const inputs = o.inputs === undefined ? {} : r.obj(o.inputs, `${path}.inputs`);
  const runId =
    r.optStr(info.run_id, `${path}.info.run_id`) ?? r.str(info.run_uuid, `${path}.info.run_uuid`);
  return {
    info: {
      runId,
      experimentId: r.optStr(info.experiment_id, `${path}.info.experiment_id`),
      runName: r.optStr(info.run_name, `${path}.info.run_name`),
      userId: r.optStr(info.user_id, `${path}.info.user_id`),
      status: r.optStr(info.status, `${path}.info.status`),
      startTime: r.optInt(info.start_time, `${path}.info.start_time`),
      endTime: r.optInt(info.end_time, `${path}.info.end_time`),
      artifactUri: r.optStr(info.artifact_uri, `${path}.info.artifact_uri`),
      lifecycleStage: r.optStr(info.lifecycle_stage, `${path}.info.lifecycle_stage`),
    },
    data: {
      metrics: r.arr(data.metrics, `${path}.data.metrics`).map((m, i) => {
        const p = `${path}.data.metrics[${i}]`;
        const mo = r.obj(m, p);
        const value = mo.value;
        if (
          !(typeof value === "number" && Number.isFinite(value)) &&
          !(typeof value === "string" && NON_FINITE.has(value))
        ) {
          r.fail(`${p}.value`, "a number", value);
        }
        return {
          key: r.str(mo.key, `${p}.key`),
          value: value as MlflowMetricValue,
          timestamp: r.optInt(mo.timestamp, `${p}.timestamp`),
          step: r.optInt(mo.step, `${p}.step`),
        };
      }),
      params: r.kvs(data.params, `${path}.data.params`),
      tags: r.kvs(data.tags, `${path}.data.tags`),
    },
    datasetInputs: r.arr(inputs.dataset_inputs, `${path}.inputs.dataset_inputs`).map((d, i) => {
      const p = `${path}.inputs.dataset_inputs[${i}]`;
      const dobj = r.obj(d, p);
      const ds = r.obj(dobj.dataset, `${p}.dataset`);
      return {
        tags: r.kvs(dobj.tags, `${p}.tags`),
        dataset: {
          name: r.str(ds.name, `${p}.dataset.name`),
          digest: r.str(ds.digest, `${p}.dataset.digest`),
          sourceType: r.str(ds.source_type, `${p}.dataset.source_type`),
          source: r.str(ds.source, `${p}.dataset.source`),
          schema: r.optStr(ds.schema, `${p}.dataset.schema`),
          profile: r.optStr(ds.profile, `${p}.dataset.profile`),
        },
      };
    }),
  };
}

/** GET registered-models/search: `registered_models`, `next_page_token`. */
export function parseRegisteredModelsPage(
  endpoint: string,
  body: unknown,
): Page<MlflowRegisteredModel> {
  const r = new Reader(endpoint);
  const o = r.obj(body, "response");
  return {
    items: r
      .arr(o.registered_models, "registered_models")
      .map((m, i) => registeredModel(r, m, `registered_models[${i}]`)),
    nextPageToken: r.token(o.next_page_token, "next_page_token"),
  };
}

/** GET registered-models/get: `registered_model`. */
export function parseRegisteredModel(endpoint: string, body: unknown): MlflowRegisteredModel {
  const r = new Reader(endpoint);
  const o = r.obj(body, "response");
  return registeredModel(r, o.registered_model, "registered_model");
}

/** GET model-versions/search: `model_versions`, `next_page_token`. */
export function parseModelVersionsPage(endpoint: string, body: unknown): Page<MlflowModelVersion> {
  const r = new Reader(endpoint);
  const o = r.obj(body, "response");
  return {
    items: r
      .arr(o.model_versions, "model_versions")
      .map((v, i) => modelVersion(r, v, `model_versions[${i}]`)),
    nextPageToken: r.token(o.next_page_token, "next_page_token"),
  };
}

/** GET runs/get: `run` with `info`, `data` and `inputs`. */
export function parseRun(endpoint: string, body: unknown): MlflowRun {
  const r = new Reader(endpoint);
  const o = r.obj(body, "response");
  return run(r, o.run, "run");
}
