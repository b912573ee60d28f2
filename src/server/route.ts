/**
 * The one shape every HTTP route of `vigil serve` is declared in. A route is data: method,
 * path, the roles that may call it, JSON schemas for its inputs and outputs, and a handler
 * that knows nothing of the HTTP framework. From the list of routes the server builds the
 * Fastify routes, the auth checks, the OpenAPI document and the role-walk test, so none of
 * them can drift from the others.
 */
import { VigilError } from "../errors.js";
import type { IngestStages } from "../monitor/ingest-stages.js";
import type { Store } from "../store/index.js";
import type { TokenRole } from "../store/types.js";

/** A JSON Schema (draft 2020-12 subset that Fastify's Ajv and OpenAPI 3.1 both accept). */
export type JsonSchema = Record<string, unknown>;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Who made the request, from the bearer token. */
export interface Principal {
  tokenId: number;
  name: string;
  role: TokenRole;
  /** Models an `ingest` token may write to; null = every model. */
  models: readonly string[] | null;
}

/** What a handler receives. Params, query and body are already validated against the schemas. */
export interface RouteInput<P = Record<string, string>, Q = Record<string, unknown>, B = unknown> {
  params: P;
  query: Q;
  body: B;
  /** Raw body for routes that declare `rawBody` content types (NDJSON, CSV uploads). */
  rawBody?: Buffer;
  /**
   * The raw body as a stream, for `streamBody` routes: never held in memory whole. It fails
   * with VIGIL_PAYLOAD_TOO_LARGE once it passes the route's body limit.
   */
  bodyStream?: NodeJS.ReadableStream;
  contentType: string | undefined;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Present on every route except public ones. */
  principal: Principal | null;
  /** Aborted when the client disconnects or the server shuts down. */
  signal: AbortSignal;
}

export interface RouteReply {
  /** Default 200. */
  status?: number;
  /** Serialized as JSON unless `contentType` says otherwise (then it must be a string or Buffer). */
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** What one committed ingest request did; observers (Prometheus counters) read it. */
export interface IngestObservation {
  model: string;
  /** Accepted events per version label. */
  acceptedByVersion: Record<string, number>;
  rejected: number;
  duplicates: number;
  /** Accepted events that carried an `error`, per version label. */
  errorsByVersion: Record<string, number>;
  /** latency_ms of accepted events that had one, per version label. */
  latenciesMsByVersion: Record<string, number[]>;
  /** Milliseconds the request spent in each ingest stage. */
  stagesMs?: Readonly<IngestStages>;
}

/** Services a handler may use. The server creates one per process. */
export interface ServerContext {
  store: Store;
  /** Injected clock (epoch ms) so tests can move time. */
  now(): number;
  /** Called after every committed ingest request (never throws into the request). */
  ingestObservers: Array<(o: IngestObservation) => void>;
  /** Capability state keyed by plugin name (e.g. the window scheduler, Prometheus counters). */
  services: Map<string, unknown>;
}

/**
 * A background capability of the server: started after the store is open and before the
 * port is bound; stopped on SIGTERM after in-flight requests drained, before the store closes.
 */
export interface ServerPlugin {
  name: string;
  start?(ctx: ServerContext): Promise<void>;
  stop?(ctx: ServerContext): Promise<void>;
}

export interface RouteSpec {
  method: HttpMethod;
  /** Fastify path syntax: `/api/v1/models/:model/predictions`. */
  path: string;
  /** One line for the OpenAPI summary. */
  summary: string;
  /** OpenAPI tag, e.g. "models", "ingest", "monitoring", "registry", "tokens", "system". */
  tag: string;
  /**
   * "public": no token needed (health checks, /metrics when configured so).
   * Otherwise the roles allowed; `admin` is always allowed in addition.
   */
  roles: "public" | readonly TokenRole[];
  /** Path parameter naming the model acted on; `ingest` tokens must be scoped to it. */
  modelParam?: string;
  params?: JsonSchema;
  query?: JsonSchema;
  body?: JsonSchema;
  /** Content types read as a raw Buffer instead of JSON (e.g. "application/x-ndjson"). */
  rawBody?: readonly string[];
  /** Deliver `rawBody` types as `input.bodyStream` instead of a Buffer (large uploads). */
  streamBody?: boolean;
  /** This route's request body limit in bytes, when it differs from the server's (16 MB). */
  bodyLimitBytes?: number;
  /** Response schemas by status (used for OpenAPI and for fast serialization). */
  responses: Record<number, { description: string; schema?: JsonSchema; contentType?: string }>;
  // biome-ignore lint/suspicious/noExplicitAny: each route narrows its own params, query and body; the schemas have validated them before the handler runs
  handler(input: RouteInput<any, any, any>, ctx: ServerContext): Promise<RouteReply>;
}

/** The caller of an authenticated route; the server checks the token before the handler runs. */
export function requirePrincipal(input: Pick<RouteInput, "principal">): Principal {
  if (!input.principal) {
    throw new VigilError("VIGIL_UNAUTHENTICATED", "This route needs an API token.");
  }
  return input.principal;
}

/** Identity function that type-checks a route list. */
export function defineRoutes(routes: RouteSpec[]): RouteSpec[] {
  return routes;
}

/** Roles that may read monitoring and registry state. */
export const READ_ROLES: readonly TokenRole[] = [
  "viewer",
  "data-scientist",
  "ml-engineer",
  "approver",
  "admin",
];
/** Roles that may send predictions and labels. */
export const INGEST_ROLES: readonly TokenRole[] = ["ingest", "ml-engineer", "admin"];
/** Roles that may configure models, references and monitors. */
export const CONFIGURE_ROLES: readonly TokenRole[] = ["ml-engineer", "admin"];
