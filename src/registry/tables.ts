import type { Generated } from "kysely";

/**
 * The registry's stage tables (migration 0003). They are private to src/registry: the
 * Registry, the MLflow import and the deployment records are the only writers, which is
 * what makes the audit log the complete history of stage changes.
 */
export interface RegistryTables {
  registry_versions: {
    version_id: number;
    model_id: number;
    number: number;
    stage: string;
    registered_by: string;
    created_at: number;
    updated_at: number;
  };
  registry_aliases: { model_id: number; alias: string; version_id: number; updated_at: number };
  registry_policies: {
    id: Generated<number>;
    model_id: number;
    revision: number;
    yaml: string;
    sha256: string;
    created_by: string;
    created_at: number;
  };
  registry_events: {
    id: Generated<number>;
    model_id: number;
    version_id: number;
    kind: string;
    from_stage: string | null;
    to_stage: string | null;
    actor: string;
    role: string | null;
    reason: string | null;
    details_json: string;
    created_at: number;
  };
}
