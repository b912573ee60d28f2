/**
 * The model registry (issue 6 sections 1 and 2): lineage captured at registration, stages,
 * aliases, per-model policy, approvals and rollback on the store. See docs/registry.md.
 */

export {
  type AssignableDeployment,
  type Assignment,
  assign,
  MAX_SUBJECT_LENGTH,
  shareBasisPoints,
  subjectBucket,
} from "./assign.js";
export { buildModelCard, type ModelCardDoc } from "./card.js";
export { renderCardHtml, renderCardMarkdown } from "./card-render.js";
export {
  type DeployInput,
  type Deployment,
  type DeploymentSlot,
  deploymentSubject,
  PRODUCTION_ENVIRONMENT,
} from "./deployments.js";
export { type GateEvidence, parseGateEvidence, readGateEvidence } from "./evidence.js";
export {
  type ImportAction,
  type ImportedModelInput,
  type ImportedVersionInput,
  type ImportOptions,
  type ImportResult,
  importVersions,
  type MlflowOrigin,
  type ModelImportResult,
  type VersionImportResult,
} from "./import.js";
export {
  type ArtifactLineage,
  artifactLineage,
  captureLineage,
  type DataLineage,
  dataLineage,
  type EnvironmentLineage,
  environmentLineage,
  type GitLineage,
  gitLineage,
  type Lineage,
  type LineageInput,
  MODEL_CARD_SCHEMA_URL,
  sha256File,
  validateModelCard,
} from "./lineage.js";
export {
  LINEAGE_SCHEMA,
  REGISTER_BODY_SCHEMA,
  type RegisterBody,
  TAGS_SCHEMA,
  validateRegisterBody,
} from "./lineage-schema.js";
export { type LineageView, lockHash, readLineage } from "./lineage-view.js";
export {
  DEFAULT_POLICY,
  parseRegistryPolicy,
  type RegistryPolicy,
  STAGES,
  type Stage,
  type TransitionRule,
} from "./policy.js";
export {
  type ActionInput,
  type ApprovalInput,
  type PolicyRecord,
  type PromoteInput,
  type RegisteredVersion,
  type RegisterInput,
  Registry,
  type RegistryEvent,
  type RegistryOptions,
} from "./registry.js";
export {
  type PredictionTrace,
  TRACE_SCHEMA_ID,
  TRACE_SCHEMA_URL,
  tracePrediction,
} from "./trace.js";
export { renderTraceText } from "./trace-render.js";
