/**
 * The one registry of user-facing errors. Every error a user can cause has a
 * stable code, a hint that says what to do, a CLI exit code and an HTTP status.
 * `docs/errors.md` documents every code; a test keeps the two in step.
 */

export interface ErrorSpec {
  /** What the user should do about it; appended to the message. */
  readonly hint: string;
  /** Process exit code for the CLI: 1 = a check failed, 2 = usage or input error. */
  readonly exit: 1 | 2 | 3;
  /** HTTP status when the error reaches an API client. */
  readonly http: number;
}

export const ERROR_CODES = {
  VIGIL_USAGE: {
    hint: "Run `vigil <command> --help` for the accepted options.",
    exit: 2,
    http: 400,
  },
  VIGIL_INVALID_ARGUMENT: {
    hint: "Check the value against the documented range of that option or parameter.",
    exit: 2,
    http: 400,
  },
  VIGIL_FILE_NOT_FOUND: {
    hint: "Check the path; relative paths are resolved from the current directory.",
    exit: 2,
    http: 404,
  },
  VIGIL_FILE_UNREADABLE: {
    hint: "Check the file's permissions and that it is a regular file, not a directory.",
    exit: 2,
    http: 400,
  },
  VIGIL_UNSUPPORTED_FORMAT: {
    hint: "Use CSV, TSV, Parquet or JSON Lines (optionally .gz), or pass --input-format.",
    exit: 2,
    http: 415,
  },
  VIGIL_PARSE_ERROR: {
    hint: "Fix the file at the reported row and column, or pass --input-format if the format was guessed wrong.",
    exit: 2,
    http: 400,
  },
  VIGIL_EMPTY_DATASET: {
    hint: "The data set has no rows; check that the right file was given and that it has a header and data.",
    exit: 2,
    http: 400,
  },
  VIGIL_COLUMN_NOT_FOUND: {
    hint: "Check the column name against the file's header (names are case-sensitive).",
    exit: 2,
    http: 400,
  },
  VIGIL_NO_COLUMNS: {
    hint: "No column is left to compare; check --columns/--exclude and that both files share columns.",
    exit: 2,
    http: 400,
  },
  VIGIL_UNKNOWN_METHOD: {
    hint: "Run `vigil drift --list-methods` for the available drift methods.",
    exit: 2,
    http: 400,
  },
  VIGIL_METHOD_NOT_APPLICABLE: {
    hint: "Pick a method that accepts this column's kind (see `vigil drift --list-methods`), or override the kind with --kind.",
    exit: 2,
    http: 400,
  },
  VIGIL_SCHEMA_MISMATCH: {
    hint: "The two data sets disagree on a column's presence or kind; align them or override the kind with --kind.",
    exit: 2,
    http: 400,
  },
  VIGIL_CONFIG_INVALID: {
    hint: "Fix the configuration file at the reported line or field; see docs/audit.md for its format.",
    exit: 2,
    http: 400,
  },
  VIGIL_OUTPUT_UNWRITABLE: {
    hint: "Check that the --out directory exists and is writable.",
    exit: 2,
    http: 500,
  },
  VIGIL_INVALID_SUITE: {
    hint: "Fix the expectation suite at the reported YAML line; docs/validate.md lists the expectations and their parameters.",
    exit: 2,
    http: 400,
  },
  VIGIL_INVALID_POLICY: {
    hint: "Fix the gate policy at the reported YAML line; docs/ci.md lists the gate kinds and their fields.",
    exit: 2,
    http: 400,
  },
  VIGIL_INVALID_PROFILE: {
    hint: "The stored profile is corrupt or from an unsupported format version; rebuild it from the raw events or the reference data.",
    exit: 2,
    http: 400,
  },
  VIGIL_INCOMPATIBLE_PROFILES: {
    hint: "Profiles merge or compare only when built with the same column kind, sketch parameters and reference bins; rebuild one of them with the other's settings.",
    exit: 2,
    http: 400,
  },
  VIGIL_DB_UNAVAILABLE: {
    hint: "Check that the database is reachable and the URL (--db or VIGIL_DATABASE_URL), user and password are right; for SQLite, that the directory is writable and no other process holds a long lock.",
    exit: 2,
    http: 503,
  },
  VIGIL_DB_MIGRATION: {
    hint: "The database schema could not be brought up to date; the message names the migration. A database written by a newer Vigil needs that Vigil version.",
    exit: 2,
    http: 500,
  },
  VIGIL_ALREADY_EXISTS: {
    hint: "A record with that name already exists; pick another name or update the existing one.",
    exit: 2,
    http: 409,
  },
  VIGIL_MODEL_NOT_FOUND: {
    hint: "Check the model name; `vigil model list` lists the registered models.",
    exit: 2,
    http: 404,
  },
  VIGIL_VERSION_NOT_FOUND: {
    hint: "Check the version; `vigil model show <name>` lists the model's versions.",
    exit: 2,
    http: 404,
  },
  VIGIL_FORBIDDEN_TRANSITION: {
    hint: "Stages go none -> staging -> production -> archived; `vigil model show <name>` shows each version's stage. Archived versions come back only through `vigil model rollback`.",
    exit: 2,
    http: 409,
  },
  VIGIL_POLICY_NOT_MET: {
    hint: "The model's registry policy requires more for this transition (gate evidence, approvals or a reason); the message lists what is missing.",
    exit: 1,
    http: 409,
  },
  VIGIL_GATE_EVIDENCE: {
    hint: "Attach a `vigil gate ... --format json` result that is PASS and recent enough for the policy (--gate FILE); re-run the gate when it is stale.",
    exit: 1,
    http: 409,
  },
  VIGIL_SELF_APPROVAL: {
    hint: "Separation of duties: the registrant of a version may not approve it unless the model's policy sets allowSelfApproval: true. Ask another approver.",
    exit: 1,
    http: 403,
  },
  VIGIL_INVALID_MODEL_CARD: {
    hint: "Fix the model card so it matches schemas/model-card.schema.json (see docs/registry.md).",
    exit: 2,
    http: 400,
  },
  VIGIL_AUDIT_TAMPERED: {
    hint: "The audit log's hash chain is broken at the reported sequence; restore the database from a backup taken before that entry and investigate who had write access.",
    exit: 1,
    http: 409,
  },
  VIGIL_INVALID_ANCHOR: {
    hint: "Pass the file written by `vigil auditlog anchor`, or --anchor-hash SEQ:HASH with the 64-hex-digit hash it printed.",
    exit: 2,
    http: 400,
  },
  VIGIL_PREDICTION_NOT_FOUND: {
    hint: "Check the prediction id and the model (--model); ids are those sent to the ingest API, and events older than the retention period are gone.",
    exit: 2,
    http: 404,
  },
  VIGIL_DEPLOYMENT_NOT_FOUND: {
    hint: "The model is not deployed to that environment; `vigil model deployments <name>` lists its environments.",
    exit: 2,
    http: 404,
  },
  VIGIL_FORBIDDEN_DEPLOYMENT: {
    hint: "Archived versions cannot serve traffic, and the production environment's champion must be the registry's production version; see docs/registry.md (Deployments).",
    exit: 2,
    http: 409,
  },
  VIGIL_UNAUTHENTICATED: {
    hint: "Send an API token as `Authorization: Bearer vgl_...`; `vigil token create` makes one (the first `vigil serve` prints an admin token).",
    exit: 2,
    http: 401,
  },
  VIGIL_FORBIDDEN: {
    hint: "The token's role (or model scope) does not allow this request; docs/server.md lists which role may call which route.",
    exit: 2,
    http: 403,
  },
  VIGIL_TOKEN_NOT_FOUND: {
    hint: "Check the token id; `vigil token list` lists the tokens.",
    exit: 2,
    http: 404,
  },
  VIGIL_ROUTE_NOT_FOUND: {
    hint: "Check the path; GET /api/v1/openapi.json lists every route of the API.",
    exit: 2,
    http: 404,
  },
  VIGIL_METHOD_NOT_ALLOWED: {
    hint: "The path exists but not with this HTTP method; the Allow header lists the accepted ones.",
    exit: 2,
    http: 405,
  },
  VIGIL_PAYLOAD_TOO_LARGE: {
    hint: "Send smaller requests (split batches), or raise the server's body limit (`vigil serve --body-limit`).",
    exit: 2,
    http: 413,
  },
  VIGIL_UNSUPPORTED_MEDIA_TYPE: {
    hint: "Send the body as application/json (or a content type the route lists in the OpenAPI document, such as application/x-ndjson).",
    exit: 2,
    http: 415,
  },
  VIGIL_MALFORMED_JSON: {
    hint: "The request body is not valid JSON; the message gives the position where parsing failed.",
    exit: 2,
    http: 400,
  },
  VIGIL_JSON_TOO_DEEP: {
    hint: "The request body nests objects and arrays deeper than the server accepts (64 levels); flatten it.",
    exit: 2,
    http: 400,
  },
  VIGIL_RATE_LIMITED: {
    hint: "Too many requests with this token; wait the seconds given in the Retry-After header, or batch events into fewer requests.",
    exit: 2,
    http: 429,
  },
  VIGIL_SHUTTING_DOWN: {
    hint: "The server is stopping; retry against another instance or after it restarts.",
    exit: 2,
    http: 503,
  },
  VIGIL_SERVER_UNREACHABLE: {
    hint: "Check --server (or VIGIL_SERVER): the URL, that `vigil serve` runs there and that nothing in between (a proxy, TLS) answers instead of it.",
    exit: 2,
    http: 502,
  },
  VIGIL_WINDOW_NOT_FOUND: {
    hint: "The model version has no window starting at that time; GET /api/v1/models/{model}/metrics shows the window starts that exist.",
    exit: 2,
    http: 404,
  },
  VIGIL_MLFLOW_UNREACHABLE: {
    hint: "Check --uri (the tracking server's base URL, as in MLFLOW_TRACKING_URI), that the server runs and answers from here, and --timeout.",
    exit: 2,
    http: 502,
  },
  VIGIL_MLFLOW_ERROR: {
    hint: "MLflow refused the request; its error_code and message are quoted. For 401/403 set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD; for 5xx check the tracking server's logs.",
    exit: 2,
    http: 502,
  },
  VIGIL_MLFLOW_BAD_RESPONSE: {
    hint: "The server's answer is not MLflow 2.x REST JSON (the message names the endpoint and field); check that --uri points at an MLflow tracking server and not a proxy or UI page.",
    exit: 2,
    http: 502,
  },
  VIGIL_MLFLOW_MODEL_NOT_FOUND: {
    hint: "Check the name given to --model (exact and case-sensitive) against the MLflow UI's Models page, or leave --model out to import every registered model.",
    exit: 2,
    http: 404,
  },
  VIGIL_INVALID_EVENT: {
    hint: "Fix the event at the reported index and field (docs/monitoring.md lists what each field accepts); the other events of the request were stored.",
    exit: 2,
    http: 400,
  },
  VIGIL_INVALID_MONITOR_CONFIG: {
    hint: "Fix the model's monitoring configuration at the reported field (schema, window or settings); docs/monitoring.md describes the format.",
    exit: 2,
    http: 400,
  },
  VIGIL_RAW_EVENTS_INCOMPLETE: {
    hint: "The window's raw events are not all stored (sampling is on, or retention deleted some), so its profile cannot be rebuilt from them.",
    exit: 2,
    http: 409,
  },
  VIGIL_INTERNAL: {
    hint: "This is a bug in Vigil; please report it with the command that caused it.",
    exit: 3,
    http: 500,
  },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Codes of findings: problems in the data that a report shows without failing the command
 * (a column missing from one file, values that are not numbers). Documented in docs/errors.md
 * next to the error codes; VIGIL_SCHEMA_MISMATCH is both.
 */
export const FINDING_CODES = {
  VIGIL_SCHEMA_MISMATCH:
    "A column is in only one data set, or its kind differs between them; it is not tested.",
  VIGIL_COLUMN_ALL_MISSING: "Every value of a column is missing in one data set; it is not tested.",
  VIGIL_COLUMN_NOT_TESTED:
    "An id or free-text column, left out of drift tests unless its kind is overridden.",
  VIGIL_INFINITE_VALUES:
    "+Inf or -Inf values in a numeric column; counted and left out of the test.",
  VIGIL_TYPE_ERRORS:
    "Values that are not numbers in a numeric column; counted, shown with row numbers, left out of the test.",
  VIGIL_NEW_CATEGORIES: "Categories in the current data that the reference never had.",
  VIGIL_COLUMN_UNTESTABLE:
    "The chosen method cannot test the column (for example a t-test on a single value); it is not tested.",
} as const;

export type FindingCode = keyof typeof FINDING_CODES;

export interface ErrorDetail {
  /** 1-based data row (not counting the header), when the error is about data. */
  row?: number;
  column?: string;
  field?: string;
  /** 1-based line in a source file (YAML suites, policies). */
  line?: number;
  message: string;
}

export class VigilError extends Error {
  readonly code: ErrorCode;
  readonly details: readonly ErrorDetail[];

  constructor(
    code: ErrorCode,
    message: string,
    details: readonly ErrorDetail[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "VigilError";
    this.code = code;
    this.details = details;
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  get hint(): string {
    return ERROR_CODES[this.code].hint;
  }

  /** The shape every HTTP error takes (DESIGN.md). */
  toJSON(): { error: { code: ErrorCode; message: string; details: readonly ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export function isVigilError(value: unknown): value is VigilError {
  return value instanceof VigilError;
}

/** Invalid numeric input to a pure function: says what was expected and what came. */
export function invalidArgument(name: string, expected: string, got: unknown): VigilError {
  return new VigilError(
    "VIGIL_INVALID_ARGUMENT",
    `${name}: expected ${expected}, got ${describe(got)}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string")
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    return `an array of length ${(value as ArrayLike<unknown>).length}`;
  }
  return value === null ? "null" : typeof value;
}
