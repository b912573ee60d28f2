import type { ErrorObject } from "ajv";

/** One failed schema check, as the registry reports it: JSON pointer and Ajv's message. */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** Ajv's errors as problems, naming the property an `additionalProperties` check refused. */
export function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  return errors.map((e) => ({
    path: e.instancePath || "/",
    message: `${e.message ?? "invalid"}${
      e.keyword === "additionalProperties"
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : ""
    }`,
  }));
}
