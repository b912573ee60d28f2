/**
 * A read-only client of an MLflow tracking server's REST API 2.x
 * (`<uri>/api/2.0/mlflow/...`). Authentication as the MLflow clients do it:
 * MLFLOW_TRACKING_TOKEN as a bearer token, else MLFLOW_TRACKING_USERNAME and
 * MLFLOW_TRACKING_PASSWORD as HTTP basic, else credentials written into the URI (which are
 * taken out of it). Credentials never appear in messages: errors and reports show the URI
 * without them.
 *
 * Every failure is a VigilError: VIGIL_MLFLOW_UNREACHABLE when no HTTP answer came,
 * VIGIL_MLFLOW_ERROR for a non-2xx answer (MLflow's error_code and message quoted),
 * VIGIL_MLFLOW_BAD_RESPONSE for an answer that is not the JSON MLflow sends.
 */
import { VigilError } from "../errors.js";
import type { Page } from "./api.js";

export const MLFLOW_API_PREFIX = "/api/2.0/mlflow";
export const TOKEN_ENV = "MLFLOW_TRACKING_TOKEN";
export const USERNAME_ENV = "MLFLOW_TRACKING_USERNAME";
export const PASSWORD_ENV = "MLFLOW_TRACKING_PASSWORD";

const DEFAULT_TIMEOUT_MS = 30_000;
/** A registry page of 1000 models with their latest versions stays far below this. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
/** Pagination that never ends is a server bug; this many pages is far beyond any registry. */
const MAX_PAGES = 100_000;

export interface MlflowClientOptions {
  /** The tracking server's base URL, http(s), optionally with a path prefix. */
  uri: string;
  /** Where MLFLOW_TRACKING_* are read from (default: none). */
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** A non-2xx answer, with MLflow's error code when it sent one. */
export class MlflowApiError extends VigilError {
  constructor(
    message: string,
    readonly status: number,
    readonly errorCode: string | null,
    readonly mlflowMessage: string | null,
  ) {
    super("VIGIL_MLFLOW_ERROR", message, [
      { field: "error_code", message: errorCode ?? `HTTP ${status}` },
    ]);
  }
}

function snippet(text: string): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length > 120 ? `${one.slice(0, 120)}…` : one;
}

function causeOf(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

export class MlflowClient {
  /** The base URL without credentials, as shown in messages and stored with imports. */
  readonly uri: string;
  readonly auth: "token" | "basic" | "none";
  /** Requests made so far. */
  requests = 0;
  private readonly base: URL;
  private readonly authorization: string | undefined;
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(options: MlflowClientOptions) {
    let url: URL;
    try {
      url = new URL(options.uri);
    } catch {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        `--uri must be the http(s) URL of an MLflow tracking server, got ${JSON.stringify(options.uri)}.`,
      );
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw new VigilError(
        "VIGIL_INVALID_ARGUMENT",
        `--uri must be the http(s) URL of an MLflow tracking server, got a ${url.protocol} URI; file, sqlite and databricks tracking URIs are not supported (run \`mlflow server\` in front of the store).`,
      );
    }
    const env = options.env ?? {};
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    url.username = "";
    url.password = "";
    url.search = "";
    url.hash = "";
    url.pathname = url.pathname.replace(/\/+$/, "");
    this.base = url;
    this.uri = url.href.replace(/\/+$/, "");
    const token = env[TOKEN_ENV];
    const envUser = env[USERNAME_ENV];
    const envPass = env[PASSWORD_ENV];
    if (token) {
      this.auth = "token";
      this.authorization = `Bearer ${token}`;
    } else if (envUser && envPass) {
      this.auth = "basic";
      this.authorization = `Basic ${Buffer.from(`${envUser}:${envPass}`).toString("base64")}`;
    } else if (user) {
      this.auth = "basic";
      this.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    } else {
      this.auth = "none";
      this.authorization = undefined;
    }
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBytes = options.maxResponseBytes ?? DEFAULT_MAX_BYTES;
  }

  /** GET `<uri>/api/2.0/mlflow/<endpoint>?<query>` and its parsed JSON body. */
  async get(
    endpoint: string,
    query: Record<string, string | number | undefined>,
  ): Promise<unknown> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    const path = `${MLFLOW_API_PREFIX}/${endpoint}${qs ? `?${qs}` : ""}`;
    const what = `GET ${MLFLOW_API_PREFIX}/${endpoint}`;
    const url = new URL(this.base.href);
    // A bare host has pathname "/", which must not double the slash.
    url.pathname = `${this.base.pathname.replace(/\/+$/, "")}${MLFLOW_API_PREFIX}/${endpoint}`;
    url.search = qs;
    this.requests++;
    let res: Response;
    let text: string;
    try {
      res = await fetch(url, {
        headers: {
          accept: "application/json",
          ...(this.authorization ? { authorization: this.authorization } : {}),
        },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await this.readBody(res, what);
    } catch (err) {
      if (err instanceof VigilError) throw err;
      const timedOut = (err as Error)?.name === "TimeoutError";
      throw new VigilError(
        "VIGIL_MLFLOW_UNREACHABLE",
        `MLflow at ${this.uri} ${
          timedOut
            ? `did not answer ${what} within ${this.timeoutMs / 1000} s`
            : `could not be reached (${causeOf(err)}) for ${what}`
        }.`,
      );
    }
    if (!res.ok) throw this.httpError(res.status, text, path);
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new VigilError(
        "VIGIL_MLFLOW_BAD_RESPONSE",
        `MLflow's answer to ${path} is not JSON (${(err as Error).message}): ${JSON.stringify(snippet(text))}.`,
      );
    }
  }

  /** The body as text, refusing more than maxBytes (the server is not trusted with memory). */
  private async readBody(res: Response, what: string): Promise<string> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > this.maxBytes) {
          await res.body.cancel().catch(() => undefined);
          throw new VigilError(
            "VIGIL_MLFLOW_BAD_RESPONSE",
            `MLflow's answer to ${what} is larger than ${this.maxBytes} bytes; lower --page-size.`,
          );
        }
        chunks.push(chunk);
      }
    }
    return Buffer.concat(chunks).toString("utf8");
  }

  private httpError(status: number, text: string, path: string): MlflowApiError {
    let errorCode: string | null = null;
    let message: string | null = null;
    try {
      const body = JSON.parse(text) as { error_code?: unknown; message?: unknown };
      if (typeof body.error_code === "string") errorCode = body.error_code;
      if (typeof body.message === "string") message = body.message;
    } catch {
      // not JSON: an HTML error page from MLflow or a proxy
    }
    const said = errorCode
      ? `${errorCode}${message ? `: ${message}` : ""}`
      : text.trim()
        ? JSON.stringify(snippet(text))
        : "an empty body";
    const advice =
      status === 401 || status === 403
        ? ` Set ${TOKEN_ENV}, or ${USERNAME_ENV} and ${PASSWORD_ENV}, for a user that may read the registry.`
        : status === 404 && !errorCode
          ? " Is --uri the tracking server's base URL (without /api/...)?"
          : "";
    return new MlflowApiError(
      `MLflow at ${this.uri} answered HTTP ${status} to GET ${path}: ${said}.${advice}`,
      status,
      errorCode,
      message,
    );
  }

  /**
   * Every item of a paginated search: `page_token` from each answer's `next_page_token`
   * until there is none. A token that comes back twice is a malformed answer (it would
   * loop forever).
   */
  async all<T>(
    endpoint: string,
    query: Record<string, string | number | undefined>,
    parse: (endpoint: string, body: unknown) => Page<T>,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = await this.get(endpoint, { ...query, page_token: token });
      const p = parse(`GET ${MLFLOW_API_PREFIX}/${endpoint}`, body);
      items.push(...p.items);
      if (p.nextPageToken === null) return items;
      if (seen.has(p.nextPageToken)) {
        throw new VigilError(
          "VIGIL_MLFLOW_BAD_RESPONSE",
          `MLflow's pagination of ${endpoint} does not advance: next_page_token ${JSON.stringify(
            snippet(p.nextPageToken),
          )} came back twice.`,
        );
      }
      seen.add(p.nextPageToken);
      token = p.nextPageToken;
    }
    throw new VigilError(
      "VIGIL_MLFLOW_BAD_RESPONSE",
      `MLflow's pagination of ${endpoint} did not end after ${MAX_PAGES} pages.`,
    );
  }
}
