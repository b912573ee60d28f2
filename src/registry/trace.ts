/**
 * `vigil trace` (issue 6 section 4): from one prediction back to what produced it. The
 * stored prediction event (and its label) names the model version that served it; the
 * registry gives that version's artifact, training data, code and environment, the gate
 * results and approvals that let it through, its stage history, the deployment records
 * that routed traffic to it, and the audit entries about it. The JSON shape is
 * schemas/trace.schema.json.
 */
import { invalidArgument, VigilError } from "../errors.js";
import type { AuditEntry, JsonValue, Repo } from "../store/index.js";
import type { Deployment } from "./deployments.js";
import type { ArtifactLineage, GitLineage } from "./lineage.js";
import { type DataFileView, type EnvironmentView, readLineage } from "./lineage-view.js";
import type { Stage } from "./policy.js";
import { Registry, type RegistryEvent } from "./registry.js";

export const TRACE_SCHEMA_URL = new URL("../../schemas/trace.schema.json", import.meta.url);

export interface TracedPrediction {
  id: string;
  /** Event time, epoch ms. */
  timestamp: number;
  receivedAt: number;
  /** The version label the event carried, and the store's id for it. */
  version: string;
  versionId: number;
  features: JsonValue | null;
  prediction: JsonValue | null;
  scores: JsonValue | null;
  latencyMs: number | null;
  error: JsonValue | null;
  /** The event as stored. */
  payload: JsonValue;
  label: { value: JsonValue; timestamp: number; receivedAt: number } | null;
}

export interface TracedGate {
  /** The stage the gate result was attached for. */
  to: Stage | null;
  attachedBy: string;
  at: number;
  sha256: string | null;
  status: string | null;
  generatedAt: number | null;
  timeSource: string | null;
  policy: string | null;
  gates: { name: string; status: string }[];
}

export interface TracedDecision {
  kind: "approve" | "reject";
  to: Stage | null;
  actor: string;
  role: string | null;
  reason: string | null;
  at: number;
}

export interface TracedStageChange {
  kind: "transition" | "rollback";
  from: Stage | null;
  to: Stage | null;
  actor: string;
  reason: string | null;
  at: number;
}

export interface TracedDeployment {
  environment: string;
  revision: number;
  role: "champion" | "canary";
  /** Percent of the environment's traffic. */
  share: number;
  experiment: string;
  actor: string;
  /** The revision was current from `from` until `until` (null: still current). */
  from: number;
  until: number | null;
  /** Whether this revision was current at the prediction's timestamp. */
  atPrediction: boolean;
}

export const TRACE_SCHEMA_ID = "vigil.trace/v1";

export interface PredictionTrace {
  /** Names the JSON shape's version; fields are only ever added within a version. */
  schema: typeof TRACE_SCHEMA_ID;
  model: string;
  prediction: TracedPrediction;
  /** Null when the version that served the prediction was never registered. */
  version: {
    number: number;
    stage: Stage;
    aliases: string[];
    registeredBy: string;
    registeredAt: number;
    tags: Record<string, string>;
  } | null;
  artifact: ArtifactLineage | null;
  data: DataFileView[];
  git: GitLineage | null;
  environment: EnvironmentView | null;
  gates: TracedGate[];
  approvals: TracedDecision[];
  stages: TracedStageChange[];
  deployments: TracedDeployment[];
  audit: AuditEntry[];
  /** What could not be traced, in words. */
  notes: string[];
}

type Obj = Record<string, JsonValue>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

function prediction(
  event: {
    id: string;
    timestamp: number;
    receivedAt: number;
    versionId: number;
    payload: JsonValue;
  },
  version: string,
  label: TracedPrediction["label"],
): TracedPrediction {
  const p = isObj(event.payload) ? event.payload : {};
  return {
    id: event.id,
    timestamp: event.timestamp,
    receivedAt: event.receivedAt,
    version,
    versionId: event.versionId,
    features: p.features ?? null,
    prediction: p.prediction ?? null,
    scores: p.scores ?? null,
    latencyMs: num(p.latency_ms ?? p.latencyMs),
    error: p.error ?? null,
    payload: event.payload,
    label,
  };
}

/** A version's registry events split into gate evidence, approvals and stage changes. */
export function versionHistory(events: readonly RegistryEvent[]): {
  gates: TracedGate[];
  approvals: TracedDecision[];
  stages: TracedStageChange[];
} {
  const gates: TracedGate[] = [];
  const approvals: TracedDecision[] = [];
  const stages: TracedStageChange[] = [];
  for (const e of events) {
    if (e.kind === "evidence") {
      const d = isObj(e.details) ? e.details : {};
      const report = isObj(d.report) ? d.report : {};
      gates.push({
        to: e.to,
        attachedBy: e.actor,
        at: e.at,
        sha256: str(d.sha256),
        status: str(d.status),
        generatedAt: num(d.generatedAt),
        timeSource: str(d.timeSource),
        policy: str(report.policy),
        gates: (Array.isArray(report.gates) ? report.gates : [])
          .filter(isObj)
          .map((g) => ({ name: String(g.name ?? ""), status: String(g.status ?? "") })),
      });
    } else if (e.kind === "approve" || e.kind === "reject") {
      approvals.push({
        kind: e.kind,
        to: e.to,
        actor: e.actor,
        role: e.role,
        reason: e.reason,
        at: e.at,
      });
    } else {
      stages.push({
        kind: e.kind,
        from: e.from,
        to: e.to,
        actor: e.actor,
        reason: e.reason,
        at: e.at,
      });
    }
  }
  return { gates, approvals, stages };
}

/** Every audit entry of one subject (the store pages by 1000). */
async function auditOf(store: Repo, subject: string): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  for (;;) {
    const page = await store.listAudit({
      subject,
      limit: 1000,
      ...(out.length ? { afterSequence: out[out.length - 1]!.sequence } : {}),
    });
    out.push(...page);
    if (page.length < 1000) return out;
  }
}

/** The revisions in which the version served, with how long each was current. */
function servedIn(history: Deployment[], versionId: number, at: number): TracedDeployment[] {
  const out: TracedDeployment[] = [];
  history.forEach((d, i) => {
    const next = history[i + 1];
    const until = next && next.environment === d.environment ? next.at : null;
    const role =
      d.champion.versionId === versionId
        ? "champion"
        : d.canary?.versionId === versionId
          ? "canary"
          : null;
    if (!role) return;
    out.push({
      environment: d.environment,
      revision: d.revision,
      role,
      share: role === "champion" ? d.champion.share : (d.canary?.share ?? 0),
      experiment: d.experiment,
      actor: d.actor,
      from: d.at,
      until,
      atPrediction: d.at <= at && (until === null || at < until),
    });
  });
  return out;
}

/**
 * Traces one prediction of `modelName`. Throws VIGIL_MODEL_NOT_FOUND or
 * VIGIL_PREDICTION_NOT_FOUND; a version missing from the registry is a note, not an error.
 */
export async function tracePrediction(
  store: Repo,
  modelName: string,
  predictionId: string,
): Promise<PredictionTrace> {
  if (typeof predictionId !== "string" || predictionId === "" || predictionId.length > 256) {
    throw invalidArgument(
      "prediction id",
      "a non-empty id of at most 256 characters",
      predictionId,
    );
  }
  const model = await store.requireModel(modelName);
  const found = await store.getEvent(model.id, predictionId);
  if (!found) {
    throw new VigilError(
      "VIGIL_PREDICTION_NOT_FOUND",
      `Model "${model.name}" has no prediction with id ${JSON.stringify(predictionId)}.`,
    );
  }
  const { event, label } = found;
  const stored = await store.getVersionById(event.versionId);
  const pred = prediction(event, stored?.version ?? String(event.versionId), label);
  const registry = new Registry(store);
  const registered = (await registry.versions(model.name)).find(
    (v) => v.versionId === event.versionId,
  );
  const trace: PredictionTrace = {
    schema: TRACE_SCHEMA_ID,
    model: model.name,
    prediction: pred,
    version: null,
    artifact: null,
    data: [],
    git: null,
    environment: null,
    gates: [],
    approvals: [],
    stages: [],
    deployments: [],
    audit: [],
    notes: [],
  };
  if (isObj(event.payload) && event.payload.sampledOut === true) {
    trace.notes.push(
      "Only the event's outputs were stored (the model's ingest sampling dropped its features).",
    );
  }
  if (!registered) {
    trace.notes.push(
      `Version ${pred.version} of ${model.name} is not in the registry: no lineage, gates or approvals are recorded for it.`,
    );
    return trace;
  }
  const shown = await registry.show(model.name, registered.version);
  const lineage = readLineage(shown.metadata);
  trace.version = {
    number: shown.version,
    stage: shown.stage,
    aliases: shown.aliases,
    registeredBy: shown.registeredBy,
    registeredAt: shown.createdAt,
    tags: lineage.tags,
  };
  trace.artifact = lineage.artifact;
  trace.data = lineage.data;
  trace.git = lineage.git;
  trace.environment = lineage.environment;
  if (!lineage.artifact) trace.notes.push("The version was registered without an artifact hash.");
  if (lineage.data.length === 0) {
    trace.notes.push("The version was registered without training data files (--data).");
  }
  if (lineage.git && !lineage.git.known) {
    trace.notes.push("The version was registered outside a git work tree: no commit recorded.");
  }
  if (lineage.git?.dirty) {
    trace.notes.push("The git work tree had uncommitted changes when the version was registered.");
  }
  Object.assign(trace, versionHistory(shown.events));
  trace.deployments = servedIn(
    await registry.deploymentHistory(model.name),
    event.versionId,
    event.timestamp,
  );
  trace.audit = await auditOf(store, `model:${model.name}/${shown.version}`);
  return trace;
}
