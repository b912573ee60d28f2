/**
 * Ingestion over HTTP: prediction events and ground-truth labels (docs/monitoring.md). A
 * request is a JSON array (or one object) or NDJSON; each item is checked on its own, the
 * good ones are committed before the answer, and the answer lists every refused item with
 * its index, field, reason and code. A request none of whose items could be stored is a 400
 * (VIGIL_INVALID_EVENT) that still carries the per-item list.
 */
import { VigilError } from "../../errors.js";
import type { IncomingItem, Rejection } from "../../monitor/events.js";
import type { IngestOutcome } from "../../monitor/ingest.js";
import { serverIngestor } from "../../monitor/ingest-plugin.js";
import { ingestLabels } from "../../monitor/labels.js";
import { jsonItems, jsonTextItems, ndjsonItems } from "../../monitor/request-items.js";
import {
  defineRoutes,
  INGEST_ROLES,
  type IngestObservation,
  type JsonSchema,
  type RouteInput,
  type RouteReply,
  type ServerContext,
} from "../route.js";

const TAG = "ingest";
/** Content types read as NDJSON (one JSON value per line). */
export const NDJSON_TYPES = [
  "application/x-ndjson",
  "application/jsonl",
  "application/ndjson",
] as const;

/** Every body is taken raw (JSON too), so each item keeps its own text. */
const RAW_TYPES = ["application/json", ...NDJSON_TYPES];

const modelParams: JsonSchema = {
  type: "object",
  required: ["model"],
  properties: { model: { type: "string", minLength: 1, maxLength: 200 } },
};

const rejectionSchema: JsonSchema = {
  type: "object",
  required: ["index", "field", "reason", "code"],
  properties: {
    index: {
      type: "integer",
      description: "0-based position in the request (NDJSON: among non-blank lines)",
    },
    id: { type: "string" },
    field: {
      type: "string",
      description: 'The offending field ("features.age"); "" for the item as a whole',
    },
    reason: { type: "string" },
    code: { type: "string", description: "VIGIL_INVALID_EVENT or VIGIL_VERSION_NOT_FOUND" },
    line: { type: "integer", description: "NDJSON: 1-based line of the body" },
  },
};

const eventSchema = {
  description:
    "{id, timestamp?, version, features: {...}, prediction, scores?, latency_ms?, error?}; see docs/monitoring.md",
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The items of a request, each with its own JSON text (stored as received): the body is
 * taken raw, JSON as well as NDJSON, and split here (src/monitor/request-items.ts).
 */
export function requestItems(input: RouteInput, parse = true): IncomingItem[] {
  if (input.rawBody === undefined) return jsonItems(input.body);
  let text: string;
  try {
    text = utf8.decode(input.rawBody);
  } catch {
    throw new VigilError("VIGIL_MALFORMED_JSON", "The request body is not valid UTF-8.");
  }
  const type = (input.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  return (NDJSON_TYPES as readonly string[]).includes(type)
    ? ndjsonItems(text, parse)
    : jsonTextItems(text, parse);
}

/** The 400 body of a request whose every item was refused: the error plus the list. */
function allRejected(what: string, rejected: Rejection[]): RouteReply {
  const first = rejected[0] as Rejection;
  const err = new VigilError(
    "VIGIL_INVALID_EVENT",
    `No ${what} of the request could be stored; the first, at index ${first.index}: ${first.field ? `${first.field}: ` : ""}${first.reason}`,
    rejected
      .slice(0, 100)
      .map((r) => ({ row: r.index + 1, field: r.field, message: `${r.reason} [${r.code}]` })),
  );
  return { status: 400, body: { ...err.toJSON(), accepted: 0, duplicates: 0, rejected } };
}

function observe(ctx: ServerContext, model: string, o: IngestOutcome): void {
  if (ctx.ingestObservers.length === 0) return;
  const observation: IngestObservation = {
    model,
    acceptedByVersion: o.acceptedByVersion,
    rejected: o.rejected.length,
    duplicates: o.duplicates,
    errorsByVersion: o.errorsByVersion,
    latenciesMsByVersion: o.latenciesMsByVersion,
    stagesMs: o.stagesMs,
  };
  for (const fn of ctx.ingestObservers) {
    try {
      fn(observation);
    } catch {
      // An observer (a Prometheus counter) must never fail a committed request.
    }
  }
}

const errors = {
  400: {
    description:
      "Every item was refused (VIGIL_INVALID_EVENT, with the list), malformed JSON, or no monitoring schema (VIGIL_INVALID_MONITOR_CONFIG)",
  },
  401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
  403: { description: "The token may not write to this model (VIGIL_FORBIDDEN)" },
  404: { description: "No such model (VIGIL_MODEL_NOT_FOUND)" },
  413: { description: "Body over the size limit (VIGIL_PAYLOAD_TOO_LARGE)" },
  415: { description: "Not JSON or NDJSON (VIGIL_UNSUPPORTED_MEDIA_TYPE)" },
  429: { description: "Rate limited (VIGIL_RATE_LIMITED)" },
};

export const routes = defineRoutes([
  {
    method: "POST",
    path: "/api/v1/models/:model/predictions",
    summary: "Send prediction events (JSON array, one object, or NDJSON); idempotent by id",
    tag: TAG,
    roles: INGEST_ROLES,
    modelParam: "model",
    params: modelParams,
    // Deliberately loose: each event is checked by the handler so one bad event is listed
    // as refused instead of failing the whole request.
    body: {
      type: ["array", "object"],
      description: `An array of events, or one event. Event: ${String(eventSchema.description)}`,
    },
    rawBody: RAW_TYPES,
    responses: {
      200: {
        description: "Committed: counts and the refused events",
        schema: {
          type: "object",
          required: ["accepted", "duplicates", "rejected"],
          properties: {
            accepted: { type: "integer", description: "Events stored for the first time" },
            duplicates: { type: "integer", description: "Events whose id was already stored" },
            rejected: { type: "array", items: rejectionSchema },
          },
        },
      },
      ...errors,
    },
    async handler(input, ctx) {
      const model = input.params.model as string;
      // Split, not parsed: the ingestor parses the events where it checks them (for large
      // requests on SQLite, in the profile worker thread).
      const items = requestItems(input, false);
      const outcome = await serverIngestor(ctx).ingest(model, items, ctx.now());
      observe(ctx, model, outcome);
      if (outcome.accepted + outcome.duplicates === 0 && outcome.rejected.length > 0) {
        return allRejected("event", outcome.rejected);
      }
      return {
        body: {
          accepted: outcome.accepted,
          duplicates: outcome.duplicates,
          rejected: outcome.rejected,
        },
      };
    },
  },
  {
    method: "POST",
    path: "/api/v1/models/:model/labels",
    summary: "Send ground-truth labels {id, label, timestamp?} joined to predictions by id",
    tag: TAG,
    roles: INGEST_ROLES,
    modelParam: "model",
    params: modelParams,
    body: {
      type: ["array", "object"],
      description: "An array of labels, or one label: {id, label, timestamp?}",
    },
    rawBody: RAW_TYPES,
    responses: {
      200: {
        description: "Stored: counts and the refused labels",
        schema: {
          type: "object",
          required: ["accepted", "inserted", "updated", "rejected"],
          properties: {
            accepted: { type: "integer" },
            inserted: { type: "integer", description: "Labels for ids that had none" },
            updated: { type: "integer", description: "Labels that replaced an earlier one" },
            duplicates: { type: "integer", description: "Always 0: a repeated label replaces" },
            rejected: { type: "array", items: rejectionSchema },
          },
        },
      },
      ...errors,
    },
    async handler(input, ctx) {
      const items = requestItems(input);
      const o = await ingestLabels(ctx.store, input.params.model as string, items, ctx.now());
      if (o.accepted === 0 && o.rejected.length > 0) return allRejected("label", o.rejected);
      return {
        body: {
          accepted: o.accepted,
          inserted: o.inserted,
          updated: o.updated,
          duplicates: 0,
          rejected: o.rejected,
        },
      };
    },
  },
]);
