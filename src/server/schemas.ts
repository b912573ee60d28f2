/**
 * JSON Schema pieces several route modules declare, so a model name, a version reference
 * or a free-form object response is checked and documented alike on every route.
 */
import type { JsonSchema } from "./route.js";

/** A name Vigil stores (model, version label, feature, series): 1 to 200 characters. */
export const NAME: JsonSchema = { type: "string", minLength: 1, maxLength: 200 };

/** A registry version reference in a path: a number or an alias, at most 64 characters. */
export const VERSION_REF: JsonSchema = { type: "string", minLength: 1, maxLength: 64 };

/** Path parameters: every property is required, as a path segment always is. */
export function pathParams(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: "object", required: Object.keys(properties), properties };
}

/** The `:model` path parameter alone. */
export const MODEL_PARAMS: JsonSchema = pathParams({ model: NAME });

/** A JSON object response whose fields are documented in words (docs/, a schemas/ file). */
export function objectResponse(description: string): { description: string; schema: JsonSchema } {
  return { description, schema: { type: "object", additionalProperties: true } };
}
