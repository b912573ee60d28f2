/**
 * The OpenAPI 3.1 document of the API, generated from the RouteSpec list so it cannot drift
 * from what the server does: every path, its parameters, bodies, declared responses, the
 * error responses the server itself may give (auth, validation, limits), the roles in
 * `x-vigil-roles`, and the bearer security scheme.
 */
import { readFileSync } from "node:fs";
import type { JsonSchema, RouteSpec } from "./route.js";

export const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  description: "Every error the API returns has this shape; codes are listed in docs/errors.md.",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message", "details"],
      properties: {
        code: { type: "string", pattern: "^VIGIL_[A-Z_]+$", examples: ["VIGIL_FORBIDDEN"] },
        message: { type: "string" },
        details: {
          type: "array",
          items: {
            type: "object",
            required: ["message"],
            properties: {
              field: { type: "string", description: "The request field, e.g. body.events.3.id" },
              row: { type: "integer", minimum: 1 },
              column: { type: "string" },
              line: { type: "integer", minimum: 1 },
              message: { type: "string" },
            },
          },
        },
      },
    },
  },
};

const ERROR_RESPONSES: Record<number, string> = {
  400: "Invalid request (VIGIL_INVALID_ARGUMENT naming the field, VIGIL_MALFORMED_JSON, VIGIL_JSON_TOO_DEEP, or a route-specific code)",
  401: "Missing, unknown or revoked token (VIGIL_UNAUTHENTICATED)",
  403: "The token's role or model scope does not allow this route (VIGIL_FORBIDDEN)",
  413: "Request body over the size limit (VIGIL_PAYLOAD_TOO_LARGE)",
  415: "Content-Type not accepted by this route (VIGIL_UNSUPPORTED_MEDIA_TYPE)",
  429: "Per-token rate limit exceeded (VIGIL_RATE_LIMITED); see Retry-After",
  500: "Internal error (VIGIL_INTERNAL); details only in the server log",
  503: "Database unreachable (VIGIL_DB_UNAVAILABLE) or server shutting down (VIGIL_SHUTTING_DOWN)",
};

function packageVersion(): string {
  try {
    const pkg = JSON.parse(
      readFileSync(new URL("../../package.json", import.meta.url), "utf8"),
    ) as { version?: string };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/** `/api/v1/models/:model` -> `/api/v1/models/{model}`. */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function operationId(spec: RouteSpec): string {
  const words = spec.path
    .split(/[/:_.-]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1));
  return spec.method.toLowerCase() + words.join("");
}

/** Roles in the order TOKEN_ROLES lists them, admin first; "public" for public routes. */
export function declaredRoles(spec: RouteSpec): string[] {
  if (spec.roles === "public") return ["public"];
  return ["admin", ...spec.roles.filter((r) => r !== "admin")];
}

interface Parameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

function parameters(schema: JsonSchema | undefined, where: "path" | "query"): Parameter[] {
  if (!schema) return [];
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const p: Parameter = {
      name,
      in: where,
      required: where === "path" || required.has(name),
      schema: s,
    };
    if (typeof s.description === "string") p.description = s.description;
    return p;
  });
}

function pathParamNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
}

function errorResponse(description: string): Record<string, unknown> {
  return {
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
  };
}

function operation(spec: RouteSpec): Record<string, unknown> {
  const roles = declaredRoles(spec);
  const op: Record<string, unknown> = {
    operationId: operationId(spec),
    summary: spec.summary,
    description: `${spec.summary}\n\nRoles: ${roles.join(", ")}.${
      spec.modelParam
        ? ` Tokens with a model scope may only name models in it ({${spec.modelParam}}).`
        : ""
    }`,
    tags: [spec.tag],
    "x-vigil-roles": roles,
    security: spec.roles === "public" ? [] : [{ bearer: [] }],
  };
  // Every path parameter is listed, described by the route's schema when it has one.
  const declared = parameters(spec.params, "path");
  const names = new Set(declared.map((p) => p.name));
  const params: Parameter[] = [
    ...declared,
    ...pathParamNames(spec.path)
      .filter((n) => !names.has(n))
      .map((name): Parameter => ({ name, in: "path", required: true, schema: { type: "string" } })),
    ...parameters(spec.query, "query"),
  ];
  if (params.length > 0) op.parameters = params;

  const hasBody = spec.body !== undefined || (spec.rawBody?.length ?? 0) > 0;
  if (hasBody) {
    const content: Record<string, unknown> = {};
    if (spec.body) content["application/json"] = { schema: spec.body };
    for (const t of spec.rawBody ?? []) {
      if (content[t] === undefined) content[t] = { schema: { type: "string" } };
    }
    op.requestBody = { required: spec.body !== undefined, content };
  }

  const responses: Record<string, unknown> = {};
  for (const [status, r] of Object.entries(spec.responses)) {
    const out: Record<string, unknown> = { description: r.description };
    if (r.schema || r.contentType) {
      out.content = { [r.contentType ?? "application/json"]: { schema: r.schema ?? {} } };
    }
    responses[status] = out;
  }
  const implied: number[] = [500, 503];
  if (spec.params || spec.query || hasBody) implied.push(400);
  if (spec.roles !== "public") implied.push(401, 403, 429);
  if (hasBody) implied.push(413, 415);
  for (const status of implied.sort()) {
    if (responses[status] === undefined)
      responses[status] = errorResponse(ERROR_RESPONSES[status]!);
  }
  op.responses = responses;
  return op;
}

/** The OpenAPI 3.1 document for `routes`. */
export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const spec of routes) {
    const p = openApiPath(spec.path);
    paths[p] ??= {};
    paths[p][spec.method.toLowerCase()] = operation(spec);
    tags.add(spec.tag);
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil monitoring API",
      version: packageVersion(),
      description:
        'The HTTP API of `vigil serve`: ingest predictions and labels, read monitoring results, manage models and tokens. Every error is `{ "error": { "code", "message", "details" } }`. See docs/server.md.',
      license: { name: "Apache-2.0", identifier: "Apache-2.0" },
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: [{ url: "/" }],
    tags: [...tags].sort().map((name) => ({ name })),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An API token from `vigil token create` (`vgl_...`).",
        },
      },
      schemas: { Error: ERROR_SCHEMA },
    },
  };
}
