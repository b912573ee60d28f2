/**
 * MLflow interoperability (issue 6 section 5): import registered models, versions, stages,
 * aliases and their runs' lineage from an MLflow 2.x tracking server's REST API into
 * Vigil's registry. See docs/mlflow.md.
 */
export type {
  MlflowDatasetInput,
  MlflowKV,
  MlflowModelVersion,
  MlflowRegisteredModel,
  MlflowRun,
  Page,
} from "./api.js";
export {
  MLFLOW_API_PREFIX,
  MlflowApiError,
  MlflowClient,
  type MlflowClientOptions,
  PASSWORD_ENV,
  TOKEN_ENV,
  USERNAME_ENV,
} from "./client.js";
export {
  IMPORT_ACTOR,
  importFromMlflow,
  type MlflowImportOptions,
  type MlflowImportReport,
  type ModelImportReport,
} from "./import.js";
export { type MappedModel, mapSnapshot, type SkippedVersion } from "./map.js";
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  type MlflowSnapshot,
  readMlflowRegistry,
} from "./read.js";
