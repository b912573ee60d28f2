/**
 * Prediction tracing over HTTP (issue 6 section 4): the same JSON as
 * `vigil trace <id> --model M --format json` (schemas/trace.schema.json).
 */
import { tracePrediction } from "../../registry/index.js";
import { defineRoutes, READ_ROLES } from "../route.js";
import { NAME, objectResponse, pathParams } from "../schemas.js";

const params = pathParams({ model: NAME, id: { type: "string", minLength: 1, maxLength: 256 } });

export const routes = defineRoutes([
  {
    method: "GET",
    path: "/api/v1/models/:model/predictions/:id/trace",
    summary:
      "Trace a prediction to the version that served it, its artifact, training data, code, environment, gate results, approvals, deployments and audit entries",
    tag: "registry",
    roles: READ_ROLES,
    modelParam: "model",
    params,
    responses: {
      200: objectResponse("The trace (schemas/trace.schema.json)"),
      400: { description: "Invalid request (VIGIL_INVALID_ARGUMENT)" },
      401: { description: "No valid token (VIGIL_UNAUTHENTICATED)" },
      403: { description: "The token may not read this model (VIGIL_FORBIDDEN)" },
      404: {
        description:
          "Unknown model or prediction (VIGIL_MODEL_NOT_FOUND, VIGIL_PREDICTION_NOT_FOUND)",
      },
    },
    async handler(input, ctx) {
      return { body: await tracePrediction(ctx.store, input.params.model, input.params.id) };
    },
  },
]);
