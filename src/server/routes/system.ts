/**
 * Liveness, readiness and the OpenAPI document. /healthz says the process answers; /readyz
 * says it can do useful work (the store answers and the server is not draining), so a load
 * balancer takes an instance out before it stops.
 */
import { sql } from "kysely";
import { isVigilError, VigilError } from "../../errors.js";
import { serverState } from "../lifecycle.js";
import { openApiDocument } from "../openapi.js";
import { defineRoutes, type JsonSchema, type ServerContext } from "../route.js";

const statusSchema: JsonSchema = {
  type: "object",
  required: ["status"],
  properties: { status: { type: "string" } },
};

/** The document is the same for the life of the process: built once, on first request. */
const documents = new WeakMap<ServerContext, string>();

export const routes = defineRoutes([
  {
    method: "GET",
    path: "/healthz",
    summary: "Liveness: the process is up and answering",
    tag: "system",
    roles: "public",
    responses: { 200: { description: "Alive", schema: statusSchema } },
    handler: async () => ({ body: { status: "ok" } }),
  },
  {
    method: "GET",
    path: "/readyz",
    summary: "Readiness: the store answers and the server is not shutting down",
    tag: "system",
    roles: "public",
    responses: {
      200: { description: "Ready", schema: statusSchema },
      503: {
        description: "Not ready (VIGIL_DB_UNAVAILABLE or VIGIL_SHUTTING_DOWN)",
        schema: { $ref: "#/components/schemas/Error" },
      },
    },
    handler: async (_input, ctx) => {
      if (serverState(ctx)?.closing) {
        throw new VigilError("VIGIL_SHUTTING_DOWN", "The server is shutting down.");
      }
      try {
        await sql`select 1`.execute(ctx.store.kysely);
      } catch (err) {
        if (isVigilError(err) && err.code === "VIGIL_DB_UNAVAILABLE") throw err;
        throw new VigilError("VIGIL_DB_UNAVAILABLE", "The store does not answer.", [], {
          cause: err,
        });
      }
      return { body: { status: "ready" } };
    },
  },
  {
    method: "GET",
    path: "/api/v1/openapi.json",
    summary: "The OpenAPI 3.1 document of this API",
    tag: "system",
    roles: "public",
    responses: { 200: { description: "OpenAPI 3.1 document", schema: { type: "object" } } },
    handler: async (_input, ctx) => {
      let doc = documents.get(ctx);
      if (doc === undefined) {
        doc = JSON.stringify(openApiDocument(serverState(ctx)?.routes ?? routes));
        documents.set(ctx, doc);
      }
      return { body: doc, contentType: "application/json; charset=utf-8" };
    },
  },
]);
