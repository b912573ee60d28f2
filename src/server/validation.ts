/**
 * Compiles a route's JSON schemas once, at start-up, and turns a failed check into a
 * VIGIL_INVALID_ARGUMENT naming the field (`body.features.age`, `query.limit`). Path and
 * query values arrive as strings and are coerced to the schema's types; bodies are not
 * coerced, so `"5"` where a number is expected is an error, not a guess.
 */
import type { ErrorObject, ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import formats from "ajv-formats";
import { type ErrorDetail, VigilError } from "../errors.js";
import type { JsonSchema } from "./route.js";

export type Part = "params" | "query" | "body";

/** Checks (and for params/query, coerces and fills defaults in) `value`; throws on failure. */
export type Validator = (value: unknown) => void;

function makeAjv(coerce: boolean): Ajv2020 {
  const ajv = new Ajv2020({
    // Route modules are written by hand; unknown keywords (OpenAPI's `example`) must not
    // stop the server, and a first error is enough to answer (and cheap on big batches).
    strict: false,
    allErrors: false,
    useDefaults: true,
    coerceTypes: coerce ? "array" : false,
    removeAdditional: false,
  });
  formats.default(ajv);
  return ajv;
}

const strings = makeAjv(true);
const json = makeAjv(false);

export function compileValidator(part: Part, schema: JsonSchema): Validator {
  const fn: ValidateFunction = (part === "body" ? json : strings).compile(schema);
  return (value) => {
    if (!fn(value)) throw validationError(part, fn.errors ?? []);
  };
}

function validationError(part: Part, errors: readonly ErrorObject[]): VigilError {
  const details: ErrorDetail[] = errors.slice(0, 10).map((e) => {
    const field = fieldOf(part, e);
    return { field, message: `${field} ${e.message ?? "is invalid"}` };
  });
  const first = details[0]?.message ?? `${part} is invalid`;
  return new VigilError("VIGIL_INVALID_ARGUMENT", `Invalid request: ${first}.`, details);
}

/** `body.features.age` from Ajv's JSON pointer plus the property a keyword names. */
function fieldOf(part: Part, e: ErrorObject): string {
  const segments = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const params = e.params as Record<string, unknown>;
  const extra =
    e.keyword === "required"
      ? params.missingProperty
      : e.keyword === "additionalProperties"
        ? params.additionalProperty
        : undefined;
  if (typeof extra === "string") segments.push(extra);
  return [part, ...segments].join(".");
}
