/**
 * Reads what the import needs from an MLflow tracking server, before anything is written:
 *
 * 1. the registered models: `GET registered-models/search` page by page
 *    (`max_results`, `page_token` <- `next_page_token`), or, for one model,
 *    `GET registered-models/get?name=` (404 RESOURCE_DOES_NOT_EXIST: unknown model);
 * 2. each model's aliases from `GET registered-models/get?name=`, because
 *    `model-versions/search` leaves `aliases` empty on MLflow 2.x (mlflow/mlflow#9783);
 * 3. each model's versions: `GET model-versions/search?filter=name='<model>'`, page by page;
 * 4. each version's run: `GET runs/get?run_id=` (tags, params, metrics, dataset inputs).
 *    A run MLflow no longer has (404 RESOURCE_DOES_NOT_EXIST) is a warning, not an error:
 *    the version is still imported, without run lineage.
 */
import { VigilError } from "../errors.js";
import {
  type MlflowModelVersion,
  type MlflowRegisteredModel,
  type MlflowRun,
  parseModelVersionsPage,
  parseRegisteredModel,
  parseRegisteredModelsPage,
  parseRun,
} from "./api.js";
import { MLFLOW_API_PREFIX, MlflowApiError, type MlflowClient } from "./client.js";

export const DEFAULT_PAGE_SIZE = 100;
/** registered-models/search accepts at most 1000 per page. */
export const MAX_PAGE_SIZE = 1000;

export interface MlflowModelSnapshot {
  model: MlflowRegisteredModel;
  /** Oldest first. */
  versions: MlflowModelVersion[];
}

export interface MlflowSnapshot {
  trackingUri: string;
  models: MlflowModelSnapshot[];
  /** Run id -> run, or null when MLflow no longer has it. */
  runs: Map<string, MlflowRun | null>;
  warnings: string[];
}

export interface ReadOptions {
  /** Only this registered model (its name, exactly). */
  model?: string;
  pageSize?: number;
}

/** MLflow's own "no such thing"; a bare 404 (wrong base URL, a proxy) is not one. */
const notFound = (err: unknown): boolean =>
  err instanceof MlflowApiError && err.errorCode === "RESOURCE_DOES_NOT_EXIST";

/** MLflow's filter grammar quotes strings with ' or "; a name holding both cannot be quoted. */
function nameFilter(name: string): string {
  if (!name.includes("'")) return `name='${name}'`;
  if (!name.includes('"')) return `name="${name}"`;
  throw new VigilError(
    "VIGIL_INVALID_ARGUMENT",
    `The MLflow model name ${JSON.stringify(name)} holds both quote characters; MLflow's search filter cannot express it.`,
  );
}

async function getModel(client: MlflowClient, name: string): Promise<MlflowRegisteredModel> {
  const body = await client.get("registered-models/get", { name });
  const model = parseRegisteredModel(`GET ${MLFLOW_API_PREFIX}/registered-models/get`, body);
  if (model.name !== name) {
    throw new VigilError(
      "VIGIL_MLFLOW_BAD_RESPONSE",
      `MLflow answered registered-models/get for ${JSON.stringify(name)} with model ${JSON.stringify(model.name)}.`,
    );
  }
  return model;
}

export async function readMlflowRegistry(
  client: MlflowClient,
  options: ReadOptions = {},
): Promise<MlflowSnapshot> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `--page-size must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}.`,
    );
  }
  const warnings: string[] = [];
  const models: MlflowRegisteredModel[] = [];
  if (options.model !== undefined) {
    try {
      models.push(await getModel(client, options.model));
    } catch (err) {
      if (!notFound(err)) throw err;
      throw new VigilError(
        "VIGIL_MLFLOW_MODEL_NOT_FOUND",
        `MLflow at ${client.uri} has no registered model named ${JSON.stringify(options.model)} (${
          (err as MlflowApiError).mlflowMessage ?? "404"
        }).`,
      );
    }
  } else {
    const found = await client.all(
      "registered-models/search",
      { max_results: pageSize },
      parseRegisteredModelsPage,
    );
    const names = [...new Set(found.map((m) => m.name))];
    for (const name of names) {
      try {
        models.push(await getModel(client, name));
      } catch (err) {
        if (!notFound(err)) throw err;
        warnings.push(`${name}: deleted in MLflow while the import read it; not imported`);
      }
    }
  }

  const snapshots: MlflowModelSnapshot[] = [];
  const runs = new Map<string, MlflowRun | null>();
  for (const model of models) {
    const found = await client.all(
      "model-versions/search",
      { filter: nameFilter(model.name), max_results: pageSize },
      parseModelVersionsPage,
    );
    const versions = new Map<string, MlflowModelVersion>();
    for (const v of found)
      if (v.name === model.name && !versions.has(v.version)) versions.set(v.version, v);
    const sorted = [...versions.values()].sort((a, b) => Number(a.version) - Number(b.version));
    snapshots.push({ model, versions: sorted });
    for (const v of sorted) {
      // Failed or pending registrations are not imported; their runs are not needed.
      const ready = v.status === null || v.status === "READY";
      if (!ready || !v.runId || runs.has(v.runId)) continue;
      try {
        const body = await client.get("runs/get", { run_id: v.runId });
        const run = parseRun(`GET ${MLFLOW_API_PREFIX}/runs/get`, body);
        if (run.info.runId !== v.runId) {
          throw new VigilError(
            "VIGIL_MLFLOW_BAD_RESPONSE",
            `MLflow answered runs/get for run ${v.runId} with run ${run.info.runId}.`,
          );
        }
        runs.set(v.runId, run);
      } catch (err) {
        if (!notFound(err)) throw err;
        runs.set(v.runId, null);
        warnings.push(
          `${model.name} v${v.version}: run ${v.runId} not found in MLflow (deleted?); imported without run lineage`,
        );
      }
    }
  }
  return { trackingUri: client.uri, models: snapshots, runs, warnings };
}
