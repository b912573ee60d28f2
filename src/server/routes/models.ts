/**
 * Monitored models over HTTP (docs/monitoring.md): their monitoring configuration (schema,
 * window, settings), their versions, and each version's reference data. Reading needs a
 * read role; configuring, creating versions and uploading references need ml-engineer
 * (or admin).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, open, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { VigilError } from "../../errors.js";
import {
  configureModel,
  createModelVersion,
  modelView,
  versionViews,
} from "../../monitor/models.js";
import { uploadReference } from "../../monitor/reference.js";
import { CONFIGURE_ROLES, defineRoutes, READ_ROLES, requirePrincipal } from "../route.js";
import { MODEL_PARAMS, NAME, objectResponse, pathParams } from "../schemas.js";

const TAG = "models";
const BASE = "/api/v1/models";
/** Largest reference upload. The server holds the body in memory before writing it out. */
export const REFERENCE_UPLOAD_LIMIT_BYTES = 256 * 1024 * 1024;
/** Content types a reference upload may have; the format comes from ?format=, then these. */
export const REFERENCE_TYPES: Record<string, string | undefined> = {
  "text/csv": "csv",
  "text/tab-separated-values": "tsv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/vnd.apache.parquet": "parquet",
  "application/x-parquet": "parquet",
  "application/octet-stream": undefined,
};

const versionParams = pathParams({ model: NAME, version: NAME });
const errors = {
  400: { description: "Invalid configuration or input (VIGIL_INVALID_MONITOR_CONFIG and others)" },
  401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
  403: { description: "The token's role may not do this (VIGIL_FORBIDDEN)" },
  404: { description: "No such model or version" },
};

function mediaType(contentType: string | undefined): string {
  return (contentType ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The upload's format: ?format=, else its content type, else its first bytes. */
async function readHead(file: string, bytes: number): Promise<Buffer> {
  const fh = await open(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

export function uploadFormat(
  query: string | undefined,
  contentType: string | undefined,
  body: Buffer,
): string {
  if (query) return query;
  const byType = REFERENCE_TYPES[mediaType(contentType)];
  if (byType) return byType;
  if (body.subarray(0, 4).toString("latin1") === "PAR1") return "parquet";
  if (body[0] === 0x1f && body[1] === 0x8b) {
    throw new VigilError(
      "VIGIL_UNSUPPORTED_FORMAT",
      "A gzip upload needs ?format=csv, tsv or jsonl (the content cannot be told from its bytes).",
    );
  }
  const head = body.subarray(0, 256).toString("utf8").trimStart();
  return head.startsWith("{") ? "jsonl" : "csv";
}

function list(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).flatMap((s) => String(s).split(",")).filter((s) => s !== "");
}

export const routes = defineRoutes([
  {
    method: "GET",
    path: BASE,
    summary: "List models with their monitoring configuration",
    tag: TAG,
    roles: READ_ROLES,
    responses: { 200: objectResponse("{models: [...]}"), 401: errors[401], 403: errors[403] },
    async handler(_input, ctx) {
      const models = await ctx.store.listModels();
      return { body: { models: models.map(modelView) } };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:model`,
    summary: "A model's monitoring configuration",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    responses: { 200: objectResponse("The model"), ...errors },
    async handler(input, ctx) {
      return { body: modelView(await ctx.store.requireModel(input.params.model)) };
    },
  },
  {
    method: "PUT",
    path: `${BASE}/:model`,
    summary:
      "Create or update a model's monitoring configuration: task, schema (features with kinds, classes, positive class), window, settings",
    tag: TAG,
    roles: CONFIGURE_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    // Checked by configureModel, which names the offending field with a stable code.
    body: {
      type: "object",
      properties: {
        task: { type: "string", description: "binary, multiclass or regression" },
        schema: {
          type: "object",
          description:
            '{features: {name: "numeric" | "categorical"}, classes?: [...], positiveClass?}',
        },
        windowSeconds: { type: ["integer", "string"], description: "Seconds, or 5m / 1h" },
        window: { type: ["integer", "string"], description: "Alias of windowSeconds" },
        settings: {
          type: "object",
          description: "ingest, graceSeconds, drift, quality, volume, performance, operations",
        },
      },
    },
    responses: { 200: objectResponse("Updated"), 201: objectResponse("Created"), ...errors },
    async handler(input, ctx) {
      const out = await configureModel(
        ctx.store,
        input.params.model,
        input.body ?? {},
        requirePrincipal(input).name,
      );
      return { status: out.created ? 201 : 200, body: out.model };
    },
  },
  {
    method: "GET",
    path: `${BASE}/:model/versions`,
    summary: "A model's versions, oldest first, with their reference summary",
    tag: TAG,
    roles: READ_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    responses: { 200: objectResponse("{versions: [...]}"), ...errors },
    async handler(input, ctx) {
      const model = await ctx.store.requireModel(input.params.model);
      return { body: { versions: await versionViews(ctx.store, model) } };
    },
  },
  {
    method: "POST",
    path: `${BASE}/:model/versions`,
    summary: "Create a version of a model",
    tag: TAG,
    roles: CONFIGURE_ROLES,
    modelParam: "model",
    params: MODEL_PARAMS,
    body: {
      type: "object",
      required: ["version"],
      additionalProperties: false,
      properties: {
        version: { type: ["string", "integer"] },
        metadata: { type: "object" },
      },
    },
    responses: {
      201: objectResponse("The version"),
      ...errors,
      409: { description: "The version exists (VIGIL_ALREADY_EXISTS)" },
    },
    async handler(input, ctx) {
      const v = await createModelVersion(
        ctx.store,
        input.params.model,
        input.body ?? {},
        requirePrincipal(input).name,
      );
      return { status: 201, body: v };
    },
  },
  {
    method: "POST",
    path: `${BASE}/:model/versions/:version/reference`,
    summary:
      "Upload a version's reference data (CSV, TSV, Parquet or JSON Lines body): stores its profile and, with target and prediction columns, baseline metrics",
    tag: TAG,
    roles: CONFIGURE_ROLES,
    modelParam: "model",
    params: versionParams,
    query: {
      type: "object",
      additionalProperties: false,
      properties: {
        format: { type: "string", enum: ["csv", "tsv", "parquet", "jsonl"] },
        target: { type: "string", maxLength: 200 },
        prediction: { type: "string", maxLength: 200 },
        score: {
          anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }],
          description: "Score column(s): COL or CLASS=COL, repeated or comma-separated",
        },
      },
    },
    rawBody: Object.keys(REFERENCE_TYPES),
    streamBody: true,
    bodyLimitBytes: REFERENCE_UPLOAD_LIMIT_BYTES,
    responses: {
      201: objectResponse("The stored reference: rows, columns, baseline"),
      ...errors,
      413: { description: "Over the upload limit (VIGIL_PAYLOAD_TOO_LARGE)" },
      415: { description: "Not a CSV, TSV, Parquet or JSON Lines upload" },
    },
    async handler(input, ctx) {
      const q = input.query as {
        format?: string;
        target?: string;
        prediction?: string;
        score?: unknown;
      };
      // The upload goes straight to a private temp file (up to 256 MB, never whole in
      // memory); DuckDB then reads it in chunks like any file the CLI is given.
      const dir = await mkdtemp(join(tmpdir(), "vigil-reference-"));
      try {
        const upload = join(dir, "upload");
        const source = input.bodyStream ?? Readable.from(input.rawBody ?? Buffer.alloc(0));
        await pipeline(source, createWriteStream(upload, { mode: 0o600 }));
        const head = await readHead(upload, 256);
        if (head.length === 0) {
          throw new VigilError(
            "VIGIL_EMPTY_DATASET",
            "The upload is empty; send the reference file as the body.",
          );
        }
        const format = uploadFormat(q.format, input.contentType, head);
        const file = join(dir, `reference.${format === "jsonl" ? "jsonl" : format}`);
        await rename(upload, file);
        const out = await uploadReference(
          ctx.store,
          input.params.model,
          input.params.version,
          file,
          {
            format,
            target: q.target,
            prediction: q.prediction,
            scores: list(q.score),
            actor: requirePrincipal(input).name,
            label: "the uploaded reference",
            threads: 1,
          },
        );
        return { status: 201, body: out };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
]);
