/**
 * The model card over HTTP (issue 6 section 4): the card of one version as JSON (what the
 * CLI renders with --server), Markdown or a self-contained HTML page.
 */
import {
  buildModelCard,
  type ModelCardDoc,
  renderCardHtml,
  renderCardMarkdown,
} from "../../registry/index.js";
import { defineRoutes, READ_ROLES, type RouteInput } from "../route.js";
import { NAME, objectResponse, pathParams, VERSION_REF } from "../schemas.js";

export const routes = defineRoutes([
  {
    method: "GET",
    path: "/api/v1/registry/models/:model/versions/:version/card",
    summary:
      "The model card of a version, rendered from the registry: card fields, lineage, metrics, params, approvals, stage history, deployments",
    tag: "registry",
    roles: READ_ROLES,
    modelParam: "model",
    params: pathParams({ model: NAME, version: VERSION_REF }),
    query: {
      type: "object",
      additionalProperties: false,
      properties: { format: { enum: ["json", "md", "html"], default: "json" } },
    },
    responses: {
      200: objectResponse("The card: JSON, text/markdown or text/html by `format`"),
      400: { description: "Invalid request (VIGIL_INVALID_ARGUMENT)" },
      401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
      403: { description: "The token may not read this model (VIGIL_FORBIDDEN)" },
      404: { description: "Unknown model or version" },
    },
    async handler(
      input: RouteInput<{ model: string; version: string }, { format: "json" | "md" | "html" }>,
      ctx,
    ) {
      const doc: ModelCardDoc = await buildModelCard(
        ctx.store,
        input.params.model,
        input.params.version,
        ctx.now(),
      );
      if (input.query.format === "md") {
        return { body: renderCardMarkdown(doc), contentType: "text/markdown; charset=utf-8" };
      }
      if (input.query.format === "html") {
        return { body: renderCardHtml(doc), contentType: "text/html; charset=utf-8" };
      }
      return { body: doc };
    },
  },
]);
