/**
 * The lineage a client sends when it registers a version on a server. The server cannot
 * see the client's files, so the CLI captures lineage locally (lineage.ts) and sends the
 * result; this module is the contract for that body: one JSON Schema, used for the route
 * declaration (OpenAPI) and checked again here so a handler never stores a malformed record,
 * whatever the HTTP layer's validator settings. Only the artifact is required: an API client
 * that is not the CLI (a training script) may know nothing of git or lock files.
 */
import { Ajv } from "ajv";
import { VigilError } from "../errors.js";
import { type JsonValue, MODEL_TASKS, type ModelTask } from "../store/index.js";
import { stripCredentials, validateModelCard } from "./lineage.js";
import { schemaProblems } from "./schema-problems.js";

const sha256 = { type: "string", pattern: "^[0-9a-f]{64}$" };
const text = (max = 4096) => ({ type: "string", maxLength: max });
const nullableText = (max = 4096) => ({ type: ["string", "null"], maxLength: max });
const count = { type: "integer", minimum: 0 };
const nullableNumber = { type: ["number", "null"] };

/** A data file's profile summary (data-profile.ts). */
const PROFILE_SCHEMA = {
  type: "object",
  required: ["sha256", "rows", "columns"],
  additionalProperties: false,
  properties: {
    sha256,
    rows: count,
    columns: {
      type: "array",
      maxItems: 100_000,
      items: {
        type: "object",
        required: ["name", "kind", "count", "missing"],
        additionalProperties: false,
        properties: {
          name: text(),
          kind: { type: "string", enum: ["numeric", "categorical"] },
          count,
          missing: count,
          mean: nullableNumber,
          std: nullableNumber,
          min: nullableNumber,
          max: nullableNumber,
          p50: nullableNumber,
          distinct: count,
          topExact: { type: "boolean" },
          top: {
            type: "array",
            maxItems: 100,
            items: {
              type: "object",
              required: ["value", "share"],
              additionalProperties: false,
              properties: { value: text(), share: { type: "number", minimum: 0, maximum: 1 } },
            },
          },
        },
      },
    },
  },
} as const;

export const LINEAGE_SCHEMA = {
  type: "object",
  required: ["artifact"],
  additionalProperties: false,
  properties: {
    artifact: {
      type: "object",
      required: ["uri", "sha256", "size"],
      additionalProperties: false,
      properties: { uri: { ...text(), minLength: 1 }, sha256, size: count },
    },
    git: {
      type: "object",
      required: ["known"],
      additionalProperties: false,
      properties: {
        known: { type: "boolean" },
        commit: nullableText(200),
        branch: nullableText(1000),
        remote: nullableText(),
        dirty: { type: ["boolean", "null"] },
      },
    },
    data: {
      type: "array",
      maxItems: 1000,
      items: {
        type: "object",
        required: ["uri", "sha256", "size", "rows", "schema"],
        additionalProperties: false,
        properties: {
          uri: { ...text(), minLength: 1 },
          sha256,
          size: count,
          rows: count,
          schema: {
            type: "array",
            maxItems: 100_000,
            items: {
              type: "object",
              required: ["name", "kind", "type"],
              additionalProperties: false,
              properties: { name: text(), kind: text(100), type: text(200) },
            },
          },
          profile: PROFILE_SCHEMA,
        },
      },
    },
    environment: {
      type: "object",
      required: ["lockFiles", "runtime"],
      additionalProperties: false,
      properties: {
        lockFiles: {
          type: "array",
          maxItems: 1000,
          items: {
            type: "object",
            required: ["name", "kind", "sha256"],
            additionalProperties: false,
            properties: { name: text(1000), kind: text(100), sha256 },
          },
        },
        runtime: {
          type: "object",
          required: ["node", "platform", "arch", "python"],
          additionalProperties: false,
          properties: {
            node: text(100),
            platform: text(100),
            arch: text(100),
            python: nullableText(100),
          },
        },
      },
    },
    params: {},
    metrics: {},
    card: { type: ["object", "null"] },
  },
} as const;

export const TAGS_SCHEMA = {
  type: "object",
  maxProperties: 200,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: { type: "string", maxLength: 4096 },
} as const;

/** The body of `POST /api/v1/registry/models/:model/versions`. */
export const REGISTER_BODY_SCHEMA = {
  type: "object",
  required: ["lineage"],
  additionalProperties: false,
  properties: {
    lineage: LINEAGE_SCHEMA,
    tags: TAGS_SCHEMA,
    task: { type: "string", enum: [...MODEL_TASKS] },
  },
} as const;

let check: ReturnType<Ajv["compile"]> | undefined;

export interface RegisterBody {
  lineage: JsonValue;
  tags: Record<string, string>;
  task?: ModelTask;
}

/**
 * Checks a register body and returns it normalized: absent parts become "unknown" (git
 * `known: false`, no data, null environment, params, metrics and card), credentials are
 * removed from every URL, and the card is checked against the model card schema.
 * Throws VIGIL_INVALID_ARGUMENT with one detail per problem (field = JSON pointer).
 */
export function validateRegisterBody(body: unknown): RegisterBody {
  check ??= new Ajv({ allErrors: true, allowUnionTypes: true }).compile(REGISTER_BODY_SCHEMA);
  if (!check(body)) {
    const details = schemaProblems((check.errors ?? []).slice(0, 50)).map(({ path, message }) => ({
      field: path,
      message,
    }));
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `The registration body is not valid: ${details.map((d) => `${d.field} ${d.message}`).join("; ")}`,
      details,
    );
  }
  const b = body as {
    lineage: Record<string, unknown> & {
      artifact: { uri: string; sha256: string; size: number };
      git?: Record<string, unknown>;
      data?: { uri: string }[];
    };
    tags?: Record<string, string>;
    task?: ModelTask;
  };
  const l = b.lineage;
  const git = l.git ?? { known: false };
  const lineage = {
    artifact: { ...l.artifact, uri: stripCredentials(l.artifact.uri) },
    git: {
      known: git.known,
      commit: git.commit ?? null,
      branch: git.branch ?? null,
      remote: typeof git.remote === "string" ? stripCredentials(git.remote) : null,
      dirty: git.dirty ?? null,
    },
    data: (l.data ?? []).map((d) => ({ ...d, uri: stripCredentials(d.uri) })),
    environment: l.environment ?? null,
    params: l.params ?? null,
    metrics: l.metrics ?? null,
    card: l.card ? validateModelCard(l.card) : null,
  } as unknown as JsonValue;
  return { lineage, tags: b.tags ?? {}, ...(b.task ? { task: b.task } : {}) };
}
