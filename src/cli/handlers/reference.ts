/**
 * `vigil reference upload --model m --version v FILE`: profiles a version's reference data
 * (streamed through DuckDB) and stores it with baseline metrics, on the embedded store, or
 * sends the file to a server (POST /api/v1/models/:model/versions/:version/reference), which
 * does the same there. The file is streamed to the server from disk, never read whole.
 */
import { existsSync, openAsBlob, statSync } from "node:fs";
import { resolve } from "node:path";
import { VigilError } from "../../errors.js";
import { type UploadResult, uploadReference } from "../../monitor/reference.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { errorFromBody, type ServerTarget, serverTarget } from "../server-client.js";
import { embeddedActor, openDb } from "./embedded-store.js";
import { listOpt, stringOpt } from "./evaluate.js";
import { formatOpt, usage } from "./monitor.js";

const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  jsonl: "application/x-ndjson",
  parquet: "application/vnd.apache.parquet",
};

function formatOf(path: string, given: string | undefined): string | undefined {
  if (given !== undefined) return given;
  const lower = path.toLowerCase();
  if (lower.endsWith(".gz")) return undefined;
  if (lower.endsWith(".csv")) return "csv";
  if (lower.endsWith(".tsv") || lower.endsWith(".tab")) return "tsv";
  if (lower.endsWith(".parquet") || lower.endsWith(".pq")) return "parquet";
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson") || lower.endsWith(".json"))
    return "jsonl";
  return undefined;
}

/** Sends a reference file to a server (also used by `vigil model register --server`). */
export async function uploadReferenceToServer(
  target: ServerTarget,
  model: string,
  version: string,
  path: string,
  query: Record<string, string | string[] | undefined> = { format: formatOf(path, undefined) },
): Promise<UploadResult> {
  const url = new URL(
    `api/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(version)}/reference`,
    target.base,
  );
  for (const [k, v] of Object.entries(query)) {
    for (const x of Array.isArray(v) ? v : v === undefined ? [] : [v])
      url.searchParams.append(k, x);
  }
  const format = query.format as string | undefined;
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": (format && CONTENT_TYPES[format]) || "application/octet-stream",
  };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers,
      body: await openAsBlob(path),
      redirect: "manual",
    });
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    throw new VigilError(
      "VIGIL_SERVER_UNREACHABLE",
      `cannot reach the Vigil server at ${url.origin}: ${e.cause?.code ?? e.message}`,
      [],
      { cause: err },
    );
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = text === "" ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (res.ok && body !== undefined) return body as UploadResult;
  throw errorFromBody(body, res.status, `POST ${url.pathname}`, Boolean(target.token));
}

function describe(r: UploadResult): string {
  const metrics = (r.baseline as { metrics?: Record<string, number | null> } | null)?.metrics ?? {};
  const shown = Object.entries(metrics)
    .filter(([, v]) => typeof v === "number")
    .slice(0, 6)
    .map(([k, v]) => `${k}=${Number(v).toPrecision(4)}`);
  return [
    `reference of ${r.model} version ${r.version}${r.createdVersion ? " (version created)" : ""}: ${r.rows} rows, ${r.columns.length} profile columns`,
    shown.length > 0
      ? `baseline: ${shown.join(", ")}`
      : "baseline: none (give --target with --prediction or --score)",
  ].join("\n");
}

export const referenceHandler: CommandHandler = {
  async run(ctx: CommandContext) {
    const [sub, data] = ctx.positionals;
    if (sub !== "upload")
      throw usage("reference", `: unknown subcommand ${JSON.stringify(sub)} (upload)`);
    const format = formatOpt(ctx, "reference upload");
    const model = stringOpt(ctx.options, "model");
    const version = stringOpt(ctx.options, "version");
    if (!model) throw usage("reference upload", ": missing --model NAME");
    if (!version) throw usage("reference upload", ": missing --version VERSION");
    if (!data) throw usage("reference upload", ": missing the data file");
    const path = resolve(ctx.io.cwd, data);
    if (!existsSync(path)) throw new VigilError("VIGIL_FILE_NOT_FOUND", `no such file: ${data}`);
    if (!statSync(path).isFile())
      throw new VigilError("VIGIL_FILE_UNREADABLE", `not a regular file: ${data}`);
    const inputFormat = stringOpt(ctx.options, "input-format");
    const options = {
      target: stringOpt(ctx.options, "target"),
      prediction: stringOpt(ctx.options, "prediction"),
      scores: listOpt(ctx.options, "score"),
    };
    const target = serverTarget(ctx);
    let result: UploadResult;
    if (target) {
      if (stringOpt(ctx.options, "actor") !== undefined) {
        throw usage(
          "reference upload",
          ": --actor comes from the API token (VIGIL_TOKEN) with --server",
        );
      }
      const fmt = formatOf(path, inputFormat);
      if (fmt === undefined && path.toLowerCase().endsWith(".gz")) {
        throw new VigilError(
          "VIGIL_UNSUPPORTED_FORMAT",
          "a gzipped reference needs --input-format csv, tsv or jsonl with --server",
        );
      }
      result = await uploadReferenceToServer(target, model, version, path, {
        format: fmt,
        target: options.target,
        prediction: options.prediction,
        score: options.scores.length > 0 ? options.scores : undefined,
      });
    } else {
      const store = await openDb(ctx);
      try {
        result = await uploadReference(store, model, version, path, {
          ...options,
          format: inputFormat,
          label: data,
          actor: embeddedActor(ctx, "reference upload"),
        });
      } finally {
        await store.close();
      }
    }
    ctx.io.stdout.write(
      format === "json" ? `${JSON.stringify(result, null, 2)}\n` : `${describe(result)}\n`,
    );
    return 0;
  },
};
