/**
 * Maps what was read from MLflow onto Vigil's registry: stages, aliases, the registrant,
 * and the lineage of each version from its run.
 *
 * - Stages (legacy in MLflow, still common): None -> none, Staging -> staging,
 *   Production -> production, Archived -> archived. MLflow allows several Production
 *   versions (transition with archive_existing_versions=false); Vigil allows one, so the
 *   most recently updated one (then the highest number) stays production and the others
 *   become archived, as promoting it in Vigil would have done. Each case is a warning.
 * - Only READY versions are imported; pending or failed registrations are reported as
 *   skipped.
 * - Aliases come from the registered model (authoritative) and from the versions.
 * - Lineage: artifact source URI, the run's `mlflow.source.git.*` tags as git lineage, its
 *   dataset inputs (name, digest, source, schema, rows), params, latest metrics, the other
 *   `mlflow.*` tags and the run's own tags. MLflow records no artifact or data sha256, so
 *   those stay null (a dataset's MLflow `digest` is kept as such).
 */
import { VigilError } from "../errors.js";
import type {
  ImportedModelInput,
  ImportedVersionInput,
  MlflowOrigin,
  Stage,
} from "../registry/index.js";
import type { JsonValue } from "../store/index.js";
import type { MlflowDatasetInput, MlflowKV, MlflowModelVersion, MlflowRun } from "./api.js";
import type { MlflowModelSnapshot, MlflowSnapshot } from "./read.js";

const STAGE_MAP: Record<string, Stage> = {
  none: "none",
  staging: "staging",
  production: "production",
  archived: "archived",
};

/** Tags MLflow writes that repeat the artifact listing at length; not lineage. */
const NOISY_TAGS = new Set(["mlflow.log-model.history"]);

export interface SkippedVersion {
  model: string;
  version: number;
  reason: string;
}

export interface MappedModel {
  name: string;
  /** Versions MLflow has, imported or not. */
  mlflowVersions: number;
  /** Undefined when no version can be imported (the Vigil model is then not created). */
  input: ImportedModelInput | undefined;
  skipped: SkippedVersion[];
  warnings: string[];
}

export interface MapOptions {
  /** The registrant when MLflow names no user for a version. */
  actor: string;
}

/** Credentials in a URL (https://user:token@host) must not reach the registry. */
function stripCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1");
}

/** Tags and params as an object; URL values lose any credentials written into them. */
function record(kvs: readonly MlflowKV[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { key, value } of kvs) out[key] = stripCredentials(value);
  return out;
}

/** The same, for every string inside a parsed JSON value (dataset sources). */
function scrub(v: JsonValue): JsonValue {
  if (typeof v === "string") return stripCredentials(v);
  if (Array.isArray(v)) return v.map(scrub);
  if (v !== null && typeof v === "object") {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, scrub(x)]));
  }
  return v;
}

function parseJson(text: string | null): JsonValue | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

const isObj = (v: unknown): v is Record<string, JsonValue> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function stageOf(model: string, v: MlflowModelVersion): Stage {
  const raw = v.currentStage ?? "None";
  const stage = STAGE_MAP[raw.toLowerCase()];
  if (!stage) {
    throw new VigilError(
      "VIGIL_MLFLOW_BAD_RESPONSE",
      `MLflow gave ${model} v${v.version} the stage ${JSON.stringify(raw)}; MLflow's stages are None, Staging, Production and Archived.`,
    );
  }
  return stage;
}

/** One dataset input as lineage: where the data is, its MLflow digest, schema and rows. */
function dataset(d: MlflowDatasetInput): JsonValue {
  const parsed = parseJson(d.dataset.source);
  const source = parsed === undefined ? undefined : scrub(parsed);
  const where = isObj(source)
    ? (source.uri ?? source.url ?? source.path ?? source.delta_table_name ?? source.table_name)
    : d.dataset.source;
  const schema = parseJson(d.dataset.schema);
  const colspec = isObj(schema) ? schema.mlflow_colspec : undefined;
  const profile = parseJson(d.dataset.profile);
  const rows = isObj(profile) ? profile.num_rows : undefined;
  const tags = record(d.tags);
  return {
    name: d.dataset.name,
    uri: typeof where === "string" ? stripCredentials(where) : null,
    digest: d.dataset.digest,
    sourceType: d.dataset.sourceType,
    source: source ?? stripCredentials(d.dataset.source),
    context: tags["mlflow.data.context"] ?? null,
    rows: typeof rows === "number" && Number.isSafeInteger(rows) ? rows : null,
    schema: Array.isArray(colspec)
      ? colspec.filter(isObj).map((c) => ({ name: c.name ?? null, type: c.type ?? null }))
      : (schema ?? d.dataset.schema),
    profile: profile ?? d.dataset.profile,
    sha256: null,
    size: null,
    tags,
  };
}

function lineage(v: MlflowModelVersion, run: MlflowRun | null): JsonValue {
  const tags = run ? record(run.data.tags) : {};
  const mlflowTags: Record<string, string> = {};
  const runTags: Record<string, string> = {};
  for (const [k, val] of Object.entries(tags)) {
    if (NOISY_TAGS.has(k)) continue;
    (k.startsWith("mlflow.") ? mlflowTags : runTags)[k] = val;
  }
  const commit = tags["mlflow.source.git.commit"] ?? null;
  const remote = tags["mlflow.source.git.repoURL"] ?? tags["mlflow.gitRepoURL"] ?? null;
  const metrics: Record<string, JsonValue> = {};
  for (const m of run?.data.metrics ?? []) metrics[m.key] = m.value;
  return {
    source: "mlflow",
    artifact: {
      uri: v.source ? stripCredentials(v.source) : null,
      runArtifactUri: run?.info.artifactUri ? stripCredentials(run.info.artifactUri) : null,
      sha256: null,
      size: null,
    },
    git: {
      known: commit !== null,
      commit,
      branch: tags["mlflow.source.git.branch"] ?? null,
      remote: remote ? stripCredentials(remote) : null,
      dirty: null,
    },
    data: run ? run.datasetInputs.map(dataset) : [],
    environment: null,
    params: run ? record(run.data.params) : null,
    metrics: run ? metrics : null,
    card: null,
    run: run
      ? {
          id: run.info.runId,
          experimentId: run.info.experimentId,
          name: run.info.runName ?? tags["mlflow.runName"] ?? null,
          status: run.info.status,
          lifecycleStage: run.info.lifecycleStage,
          user: tags["mlflow.user"] ?? run.info.userId,
          startTime: run.info.startTime,
          endTime: run.info.endTime,
          artifactUri: run.info.artifactUri ? stripCredentials(run.info.artifactUri) : null,
        }
      : null,
    mlflowTags,
    runTags,
  };
}

function mapModel(
  snapshot: MlflowSnapshot,
  m: MlflowModelSnapshot,
  options: MapOptions,
): MappedModel {
  const name = m.model.name;
  const warnings: string[] = [];
  const skipped: SkippedVersion[] = [];
  const ready = m.versions.filter((v) => {
    if (v.status === null || v.status === "READY") return true;
    skipped.push({
      model: name,
      version: Number(v.version),
      reason: `status ${v.status}${v.statusMessage ? ` (${v.statusMessage})` : ""}`,
    });
    return false;
  });

  const stages = new Map(ready.map((v) => [v.version, stageOf(name, v)]));
  const inProduction = ready.filter((v) => stages.get(v.version) === "production");
  if (inProduction.length > 1) {
    const keep = [...inProduction].sort(
      (a, b) =>
        (b.lastUpdatedTimestamp ?? 0) - (a.lastUpdatedTimestamp ?? 0) ||
        Number(b.version) - Number(a.version),
    )[0]!;
    const others = inProduction.filter((v) => v !== keep).map((v) => v.version);
    for (const o of others) stages.set(o, "archived");
    warnings.push(
      `versions ${inProduction
        .map((v) => v.version)
        .sort((a, b) => Number(a) - Number(b))
        .join(", ")} are all in Production in MLflow; Vigil keeps one production version: v${
        keep.version
      } (updated last), and archives v${others.join(", v")}`,
    );
  }

  // alias -> version: the registered model's list is authoritative; versions may repeat it.
  const aliases = new Map<string, string>();
  for (const v of m.versions) for (const a of v.aliases) aliases.set(a, v.version);
  for (const a of m.model.aliases) aliases.set(a.alias, a.version);
  const aliasesOf = (version: string) =>
    [...aliases]
      .filter(([, n]) => n === version)
      .map(([a]) => a)
      .sort();

  const modelTags = record(m.model.tags);
  const versions: ImportedVersionInput[] = ready.map((v) => {
    const run = v.runId ? (snapshot.runs.get(v.runId) ?? null) : null;
    const runTags = run ? record(run.data.tags) : {};
    const mlflow: MlflowOrigin = {
      trackingUri: snapshot.trackingUri,
      registeredModel: name,
      version: v.version,
      runId: v.runId,
      experimentId: run?.info.experimentId ?? null,
      stage: v.currentStage ?? "None",
      aliases: aliasesOf(v.version),
      status: v.status,
      source: v.source ? stripCredentials(v.source) : null,
      runLink: v.runLink,
      description: v.description,
      userId: v.userId,
      creationTimestamp: v.creationTimestamp,
      lastUpdatedTimestamp: v.lastUpdatedTimestamp,
    };
    return {
      number: Number(v.version),
      stage: stages.get(v.version)!,
      registeredBy: v.userId ?? runTags["mlflow.user"] ?? run?.info.userId ?? options.actor,
      lineage: lineage(v, run),
      tags: { ...modelTags, ...record(v.tags) },
      mlflow,
    };
  });
  if (m.versions.length === 0) warnings.push("no versions in MLflow; nothing to import");
  return {
    name,
    mlflowVersions: m.versions.length,
    input:
      versions.length > 0
        ? {
            name,
            versions,
            aliases: Object.fromEntries([...aliases].map(([a, n]) => [a, Number(n)])),
          }
        : undefined,
    skipped,
    warnings,
  };
}

/** Every model of the snapshot, mapped; throws VIGIL_MLFLOW_BAD_RESPONSE on unknown stages. */
export function mapSnapshot(snapshot: MlflowSnapshot, options: MapOptions): MappedModel[] {
  return snapshot.models.map((m) => mapModel(snapshot, m, options));
}
