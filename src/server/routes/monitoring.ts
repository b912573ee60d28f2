/**
 * The window monitors over HTTP (issue 5 section 5): the stored metric series, the model's
 * status (latest value and state per monitor) and one window's profiles against the
 * reference, for drilling into a feature. Read-only, for every reading role. Times are
 * epoch milliseconds or ISO 8601 (docs/monitors.md, "HTTP API").
 */
import { VigilError } from "../../errors.js";
import { windowStartOf } from "../../monitor/config.js";
import { flushWindowProfiles } from "../../monitor/ingest-plugin.js";
import { isMetricName, METRIC_CATALOG } from "../../monitor/metric-names.js";
import { modelStatus } from "../../monitor/status.js";
import { windowDetail } from "../../monitor/window-detail.js";
import type { ModelRecord, Repo } from "../../store/index.js";
import { defineRoutes, type JsonSchema, READ_ROLES } from "../route.js";
import { MODEL_PARAMS, NAME, pathParams } from "../schemas.js";

const TAG = "monitoring";
const BASE = "/api/v1/models/:model";

/** Most points one request returns; narrow the range or the name to see more. */
export const MAX_METRIC_POINTS = 50_000;

const time = {
  type: "string",
  minLength: 1,
  maxLength: 40,
  description: "Epoch milliseconds or ISO 8601 (2026-01-31T12:00:00Z, 2026-01-31)",
};

/** 400, 401, 403, 429 and 5xx are implied for every authenticated route (openapi.ts). */
const errors = {
  404: {
    description:
      "Unknown model, version or window (VIGIL_MODEL_NOT_FOUND, VIGIL_VERSION_NOT_FOUND, VIGIL_WINDOW_NOT_FOUND)",
    schema: { $ref: "#/components/schemas/Error" },
  },
};

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/**
 * A time parameter: epoch milliseconds (digits), an ISO 8601 date-time with a zone, or a
 * date (midnight UTC). Throws VIGIL_INVALID_ARGUMENT naming the parameter.
 */
export function parseTimeParam(text: string, field: string): number {
  const s = text.trim();
  let ms = Number.NaN;
  if (/^\d{1,16}$/.test(s)) ms = Number(s);
  else if (ISO_DATE.test(s)) ms = Date.parse(`${s}T00:00:00Z`);
  else if (ISO_DATE_TIME.test(s)) ms = Date.parse(s.replace(" ", "T"));
  if (!Number.isSafeInteger(ms) || ms < 0) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `${field} must be epoch milliseconds or an ISO 8601 time with a zone (2026-01-31T12:00:00Z) or date (2026-01-31), got ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`,
      [{ field, message: "not a time" }],
    );
  }
  return ms;
}

async function versionId(store: Repo, model: ModelRecord, version: string | undefined) {
  if (version === undefined) return undefined;
  const v = await store.getVersion(model.id, version);
  if (!v) {
    throw new VigilError(
      "VIGIL_VERSION_NOT_FOUND",
      `Model "${model.name}" has no version "${version}".`,
    );
  }
  return v.id;
}

interface MetricsQuery {
  name?: string;
  from?: string;
  to?: string;
  feature?: string;
  metric?: string;
  quantile?: string;
  method?: string;
  version?: string;
  level?: "all" | "version" | "model";
  limit: number;
}

const pointSchema: JsonSchema = {
  type: "object",
  required: ["name", "version", "labels", "windowStart", "windowEnd", "value"],
  properties: {
    name: { type: "string" },
    version: { type: ["string", "null"], description: "null for model-level series" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    windowStart: { type: "integer", description: "epoch ms" },
    windowEnd: { type: "integer", description: "epoch ms (exclusive)" },
    value: { type: ["number", "null"], description: "null when undefined (NaN)" },
  },
};

const stateSchema = { type: "string", enum: ["ok", "warning", "alert"] };
const monitorSchema: JsonSchema = {
  type: "object",
  required: ["state", "entries"],
  properties: {
    state: stateSchema,
    entries: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "version", "labels", "windowStart", "value", "state"],
        properties: {
          name: { type: "string" },
          version: { type: ["string", "null"] },
          labels: { type: "object", additionalProperties: { type: "string" } },
          windowStart: { type: "integer" },
          value: { type: ["number", "null"] },
          state: stateSchema,
          levels: { type: "object" },
          threshold: { type: "number" },
          drop: { type: ["number", "null"] },
        },
      },
    },
  },
};

export const routes = defineRoutes([
  {
    method: "GET",
    path: `${BASE}/metrics`,
    summary: "Stored metric series of the model's windows, filtered",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        name: { ...NAME, description: "A series name (docs/monitors.md, Metric series)" },
        from: { ...time, description: "Windows starting at or after this time" },
        to: { ...time, description: "Windows starting before this time" },
        feature: { ...NAME, description: "Only points with this feature label" },
        metric: { ...NAME, description: "Only points with this metric label (model_metric)" },
        quantile: { ...NAME, description: "Only points with this quantile label (latency_ms)" },
        method: { ...NAME, description: "Only points with this drift method label" },
        version: { ...NAME, description: "Only this version's series" },
        level: {
          type: "string",
          enum: ["all", "version", "model"],
          default: "all",
          description: "version: per-version series only; model: model-level series only",
        },
        limit: { type: "integer", minimum: 1, maximum: MAX_METRIC_POINTS, default: 10_000 },
      },
    },
    responses: {
      200: {
        description: "Points ordered by window start, then name, version and labels",
        schema: {
          type: "object",
          required: ["model", "windowSeconds", "points", "truncated"],
          properties: {
            model: { type: "string" },
            windowSeconds: { type: "integer" },
            points: { type: "array", items: pointSchema },
            truncated: { type: "boolean", description: "More points match than `limit`" },
          },
        },
      },
      ...errors,
    },
    handler: async (input, ctx) => {
      const q = input.query as MetricsQuery;
      const store = ctx.store;
      const model = await store.requireModel(input.params.model);
      if (q.name !== undefined && !isMetricName(q.name)) {
        throw new VigilError(
          "VIGIL_INVALID_ARGUMENT",
          `query.name: unknown series ${JSON.stringify(q.name)}; the series are ${[...new Set(METRIC_CATALOG.map((m) => m.name))].join(", ")}`,
          [{ field: "query.name", message: "unknown series" }],
        );
      }
      const from = q.from === undefined ? undefined : parseTimeParam(q.from, "query.from");
      const to = q.to === undefined ? undefined : parseTimeParam(q.to, "query.to");
      if (from !== undefined && to !== undefined && from > to) {
        throw new VigilError("VIGIL_INVALID_ARGUMENT", "query.from is after query.to", [
          { field: "query.from", message: "after query.to" },
        ]);
      }
      const vid = await versionId(store, model, q.version);
      if (vid !== undefined && q.level === "model") {
        throw new VigilError(
          "VIGIL_INVALID_ARGUMENT",
          "query.version names a version, but level=model asks for model-level series only",
          [{ field: "query.level", message: "conflicts with query.version" }],
        );
      }
      const labels: Record<string, string> = {};
      for (const k of ["feature", "metric", "quantile", "method"] as const) {
        const v = q[k];
        if (v !== undefined) labels[k] = v;
      }
      const versions = new Map((await store.listVersions(model.id)).map((v) => [v.id, v.version]));
      const found = await store.queryMetrics({
        modelId: model.id,
        ...(q.name !== undefined ? { name: q.name } : {}),
        ...(vid !== undefined
          ? { versionId: vid }
          : q.level === "model"
            ? { versionId: null }
            : {}),
        ...(from !== undefined ? { from } : {}),
        ...(to !== undefined ? { to } : {}),
        labels,
        limit: q.limit + 1,
      });
      const kept = found.filter((p) => (q.level === "version" ? p.versionId !== null : true));
      const windowMs = model.windowSeconds * 1000;
      const points = kept.slice(0, q.limit).map((p) => ({
        name: p.name,
        version: p.versionId === null ? null : (versions.get(p.versionId) ?? String(p.versionId)),
        labels: p.labels,
        windowStart: p.windowStart,
        windowEnd: p.windowStart + windowMs,
        value: Number.isNaN(p.value) ? null : p.value,
      }));
      return {
        body: {
          model: model.name,
          windowSeconds: model.windowSeconds,
          points,
          truncated: found.length > q.limit,
        },
      };
    },
  },
  {
    method: "GET",
    path: `${BASE}/status`,
    summary: "Latest value and state (ok, warning, alert) of every monitor of the model",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        version: { ...NAME, description: "Only this version (and model-level series)" },
      },
    },
    responses: {
      200: {
        description:
          "The model's state and, per monitor family, its state and entries (worst first)",
        schema: {
          type: "object",
          required: ["model", "state", "latestWindowStart", "monitors"],
          properties: {
            model: { type: "string" },
            state: stateSchema,
            latestWindowStart: { type: ["integer", "null"] },
            monitors: {
              type: "object",
              required: ["drift", "quality", "volume", "performance", "operations"],
              properties: {
                drift: monitorSchema,
                quality: monitorSchema,
                volume: monitorSchema,
                performance: monitorSchema,
                operations: monitorSchema,
              },
            },
            settingsError: { type: "string" },
          },
        },
      },
      ...errors,
    },
    handler: async (input, ctx) => {
      const model = await ctx.store.requireModel(input.params.model);
      const vid = await versionId(ctx.store, model, (input.query as { version?: string }).version);
      return { body: await modelStatus(ctx.store, model, vid) };
    },
  },
  {
    method: "GET",
    path: `${BASE}/windows/:start`,
    summary: "One window's profiles against the reference, per column, with drift and quality",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: pathParams({
      model: NAME,
      start: { ...time, description: "The window's start, or any time inside it" },
    }),
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        version: { ...NAME, description: "Only this version's window" },
        feature: { ...NAME, description: "Only this column (a feature or a reserved $column)" },
      },
    },
    responses: {
      200: {
        description:
          "Per version: window summary, operations, and per column the window and reference summaries, bin counts, drift and quality",
        schema: {
          type: "object",
          required: ["model", "windowStart", "windowSeconds", "versions"],
          properties: {
            model: { type: "string" },
            windowStart: { type: "integer" },
            windowSeconds: { type: "integer" },
            versions: { type: "array", items: { type: "object", additionalProperties: true } },
          },
        },
      },
      ...errors,
    },
    handler: async (input, ctx) => {
      const model = await ctx.store.requireModel(input.params.model);
      const at = parseTimeParam(input.params.start, "params.start");
      const start = windowStartOf(at, model.windowSeconds * 1000);
      const q = input.query as { version?: string; feature?: string };
      // Profiles counted after their commit (SQLite) are written first, so the answer counts
      // every acknowledged event.
      await flushWindowProfiles(ctx);
      const detail = await windowDetail(ctx.store, model, start, {
        ...(q.version !== undefined ? { version: q.version } : {}),
        ...(q.feature !== undefined ? { feature: q.feature } : {}),
      });
      return { body: detail };
    },
  },
]);
