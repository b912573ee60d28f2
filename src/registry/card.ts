/**
 * `vigil model card` (issue 6 section 4): the model card of one version, assembled from
 * the registry rather than written by hand: the card fields validated at registration,
 * the captured lineage, params and metrics, gate evidence, approvals, stage history and
 * where the version serves now. Rendering is in card-render.ts.
 */
import type { JsonValue, Repo } from "../store/index.js";
import type { Deployment } from "./deployments.js";
import { type LineageView, readLineage } from "./lineage-view.js";
import type { Stage } from "./policy.js";
import { Registry } from "./registry.js";
import {
  type TracedDecision,
  type TracedGate,
  type TracedStageChange,
  versionHistory,
} from "./trace.js";

export interface ModelCardDoc {
  model: string;
  version: number;
  stage: Stage;
  aliases: string[];
  registeredBy: string;
  registeredAt: number;
  /** The `--card` fields given at registration (schemas/model-card.schema.json), or null. */
  card: Record<string, JsonValue> | null;
  lineage: LineageView;
  gates: TracedGate[];
  approvals: TracedDecision[];
  stages: TracedStageChange[];
  /** Current deployment records in which this version is the champion or the canary. */
  deployments: Deployment[];
  /** When the card was rendered, epoch ms. */
  generatedAt: number;
}

/** Builds the card of a version (number or alias); throws VIGIL_MODEL/VERSION_NOT_FOUND. */
export async function buildModelCard(
  store: Repo,
  model: string,
  ref: string | number,
  now: number = Date.now(),
): Promise<ModelCardDoc> {
  const registry = new Registry(store);
  const v = await registry.show(model, ref);
  const deployments = (await registry.deployments(model)).filter(
    (d) => d.champion.versionId === v.versionId || d.canary?.versionId === v.versionId,
  );
  const lineage = readLineage(v.metadata);
  return {
    model: v.model,
    version: v.version,
    stage: v.stage,
    aliases: v.aliases,
    registeredBy: v.registeredBy,
    registeredAt: v.createdAt,
    card: lineage.card,
    lineage,
    ...versionHistory(v.events),
    deployments,
    generatedAt: now,
  };
}
