/**
 * Deployment records (issue 6 section 4): which registered version serves which
 * environment of a model (production, staging, any name), optionally with a canary
 * version taking a share of the traffic. Records change only through the Registry
 * (`deploy`, and `rollback` moving traffic off the version it archives); every change
 * writes the current row, a history row and an audit entry in one transaction, after
 * every check has passed, so a refused deployment writes nothing.
 *
 * The tables are private to the registry, like the stage tables: nothing else in Vigil
 * writes them, which is what makes the audit log the complete history of traffic changes.
 */
import { type Kysely, sql } from "kysely";
import { invalidArgument, VigilError } from "../errors.js";
import type { JsonValue, ModelRecord, Repo } from "../store/index.js";
import { shareBasisPoints } from "./assign.js";
import type { Stage } from "./policy.js";
import type { RegistryTables } from "./tables.js";
import { aliasTarget, refNumber, versionNotFound } from "./version-ref.js";

interface DeploymentColumns {
  model_id: number;
  environment: string;
  revision: number;
  champion_version_id: number;
  canary_version_id: number | null;
  canary_share: number;
  experiment: string;
  reason: string | null;
}

interface Tables extends Pick<RegistryTables, "registry_versions" | "registry_aliases"> {
  deployments: DeploymentColumns & { updated_by: string; updated_at: number };
  deployment_history: DeploymentColumns & { id?: number; actor: string; created_at: number };
}

/** One side of a deployment: the version and the share of traffic (percent) it receives. */
export interface DeploymentSlot {
  version: number;
  versionId: number;
  /** The version's registry stage now. */
  stage: Stage;
  share: number;
}

export interface Deployment {
  model: string;
  environment: string;
  /** 1 for the first record of the environment, +1 per change. */
  revision: number;
  champion: DeploymentSlot;
  canary: DeploymentSlot | null;
  /** Salt of `assign`: kept while champion and canary stay the same (a share ramp). */
  experiment: string;
  /** Who made this revision and why. */
  actor: string;
  reason: string | null;
  at: number;
  /** Problems with the record as it stands (a served version archived since). */
  warnings: string[];
}

export interface DeployInput {
  environment: string;
  /** The champion: a version number or alias. */
  version: string | number;
  /** A canary version (number or alias) and its share of traffic, in percent. */
  canary?: string | number;
  share?: number;
  /** Salt for `assign`; default: kept from the current record when champion and canary are unchanged, else `<env>#<revision>`. */
  experiment?: string;
  actor: string;
  reason?: string;
}

/** The environment whose champion must be the registry's production version. */
export const PRODUCTION_ENVIRONMENT = "production";
const ENV_RE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export function checkEnvironment(env: unknown): string {
  if (typeof env !== "string" || !ENV_RE.test(env)) {
    throw invalidArgument(
      "environment",
      "a name starting with a letter (letters, digits, _ . -, at most 64)",
      env,
    );
  }
  return env;
}

function db(tx: Repo): Kysely<Tables> {
  return tx.kysely as unknown as Kysely<Tables>;
}

/** The audit subject of an environment's deployment record. */
export function deploymentSubject(model: string, environment: string): string {
  return `deployment:${model}/${environment}`;
}

interface VersionRef {
  version_id: number;
  number: number;
  stage: string;
}

async function resolveVersion(
  tx: Repo,
  model: ModelRecord,
  ref: string | number,
  what: string,
): Promise<VersionRef> {
  const number = refNumber(ref);
  const q = db(tx)
    .selectFrom("registry_versions")
    .select(["version_id", "number", "stage"])
    .where("model_id", "=", model.id);
  const row = await (number !== null
    ? q.where("number", "=", number)
    : q.where("version_id", "=", aliasTarget(tx, model.id, String(ref)))
  ).executeTakeFirst();
  if (!row) throw versionNotFound(model.name, ref, what);
  return row;
}

async function versionsById(tx: Repo, ids: number[]): Promise<Map<number, VersionRef>> {
  const out = new Map<number, VersionRef>();
  const unique = [...new Set(ids)];
  if (unique.length === 0) return out;
  const rows = await db(tx)
    .selectFrom("registry_versions")
    .select(["version_id", "number", "stage"])
    .where("version_id", "in", unique)
    .execute();
  for (const r of rows) out.set(r.version_id, r);
  return out;
}

type Row = DeploymentColumns & { actor: string; at: number };

function toDeployment(model: ModelRecord, r: Row, versions: Map<number, VersionRef>): Deployment {
  const canaryBp = Math.round(r.canary_share * 100);
  const slot = (id: number, bp: number): DeploymentSlot => {
    const v = versions.get(id);
    return {
      version: v?.number ?? 0,
      versionId: id,
      stage: (v?.stage ?? "archived") as Stage,
      share: bp / 100,
    };
  };
  const champion = slot(r.champion_version_id, 10_000 - canaryBp);
  const canary = r.canary_version_id === null ? null : slot(r.canary_version_id, canaryBp);
  const warnings: string[] = [];
  for (const [role, s] of [
    ["champion", champion],
    ["canary", canary],
  ] as const) {
    if (s?.stage === "archived") warnings.push(`the ${role} v${s.version} is archived`);
  }
  if (r.environment === PRODUCTION_ENVIRONMENT && champion.stage !== "production") {
    if (champion.stage !== "archived") {
      warnings.push(`the champion v${champion.version} is not the production version`);
    }
  }
  return {
    model: model.name,
    environment: r.environment,
    revision: r.revision,
    champion,
    canary,
    experiment: r.experiment,
    actor: r.actor,
    reason: r.reason,
    at: r.at,
    warnings,
  };
}

async function currentRows(tx: Repo, model: ModelRecord, environment?: string): Promise<Row[]> {
  const rows = await db(tx)
    .selectFrom("deployments")
    .selectAll()
    .where("model_id", "=", model.id)
    .$if(environment !== undefined, (qb) => qb.where("environment", "=", environment!))
    .orderBy("environment")
    .execute();
  return rows.map(({ updated_by, updated_at, ...r }) => ({
    ...r,
    actor: updated_by,
    at: updated_at,
  }));
}

async function withVersions(tx: Repo, model: ModelRecord, rows: Row[]): Promise<Deployment[]> {
  const versions = await versionsById(
    tx,
    rows.flatMap((r) =>
      r.canary_version_id === null
        ? [r.champion_version_id]
        : [r.champion_version_id, r.canary_version_id],
    ),
  );
  return rows.map((r) => toDeployment(model, r, versions));
}

/** Current records of every environment of a model, by environment name. */
export async function listDeployments(tx: Repo, model: ModelRecord): Promise<Deployment[]> {
  return withVersions(tx, model, await currentRows(tx, model));
}

/** The current record of one environment; throws VIGIL_DEPLOYMENT_NOT_FOUND. */
export async function getDeployment(
  tx: Repo,
  model: ModelRecord,
  environment: string,
): Promise<Deployment> {
  const env = checkEnvironment(environment);
  const [found] = await withVersions(tx, model, await currentRows(tx, model, env));
  if (!found) {
    throw new VigilError(
      "VIGIL_DEPLOYMENT_NOT_FOUND",
      `Model "${model.name}" has no deployment in environment "${env}".`,
    );
  }
  return found;
}

/**
 * Every revision, oldest first: of one environment, of every environment, or (versionId)
 * only the revisions in which that version served as champion or canary.
 */
export async function deploymentHistory(
  tx: Repo,
  model: ModelRecord,
  filter: { environment?: string; versionId?: number } = {},
): Promise<Deployment[]> {
  const env = filter.environment === undefined ? undefined : checkEnvironment(filter.environment);
  const rows = await db(tx)
    .selectFrom("deployment_history")
    .selectAll()
    .where("model_id", "=", model.id)
    .$if(env !== undefined, (qb) => qb.where("environment", "=", env!))
    .orderBy("environment")
    .orderBy("revision")
    .execute();
  const all = await withVersions(
    tx,
    model,
    rows.map(({ id: _id, created_at, ...r }) => ({ ...r, at: created_at })),
  );
  const v = filter.versionId;
  return v === undefined
    ? all
    : all.filter((d) => d.champion.versionId === v || d.canary?.versionId === v);
}

function cleanReason(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  if (typeof reason !== "string") throw invalidArgument("reason", "a string", reason);
  return reason.trim() === "" ? null : reason;
}

function checkActor(actor: unknown): string {
  if (typeof actor !== "string" || actor.trim() === "") {
    throw invalidArgument("actor", "a non-empty name", actor);
  }
  return actor;
}

function forbidden(message: string): VigilError {
  return new VigilError("VIGIL_FORBIDDEN_DEPLOYMENT", message);
}

interface Change {
  environment: string;
  champion: VersionRef;
  canary: VersionRef | null;
  canaryBp: number;
  experiment: string | undefined;
  actor: string;
  reason: string | null;
  /** Extra audit details (what caused the change). */
  cause?: Record<string, JsonValue>;
}

/**
 * Writes one revision: the current row, the history row and the audit entry. The caller
 * has checked everything; the database's check constraints are the last line.
 */
async function write(
  tx: Repo,
  model: ModelRecord,
  change: Change,
  now: number,
): Promise<Deployment> {
  const q = db(tx);
  const current = await q
    .selectFrom("deployments")
    .selectAll()
    .where("model_id", "=", model.id)
    .where("environment", "=", change.environment)
    .executeTakeFirst();
  const revision = (current?.revision ?? 0) + 1;
  const sameVersions =
    current !== undefined &&
    current.champion_version_id === change.champion.version_id &&
    current.canary_version_id === (change.canary?.version_id ?? null);
  const experiment =
    change.experiment ??
    (sameVersions && current ? current.experiment : `${change.environment}#${revision}`);
  const columns: DeploymentColumns = {
    model_id: model.id,
    environment: change.environment,
    revision,
    champion_version_id: change.champion.version_id,
    canary_version_id: change.canary?.version_id ?? null,
    canary_share: change.canaryBp / 100,
    experiment,
    reason: change.reason,
  };
  if (current) {
    await q
      .updateTable("deployments")
      .set({ ...columns, updated_by: change.actor, updated_at: now })
      .where("model_id", "=", model.id)
      .where("environment", "=", change.environment)
      .execute();
  } else {
    await q
      .insertInto("deployments")
      .values({ ...columns, updated_by: change.actor, updated_at: now })
      .execute();
  }
  await q
    .insertInto("deployment_history")
    .values({ ...columns, actor: change.actor, created_at: now })
    .execute();
  const previous = current
    ? await versionsById(
        tx,
        current.canary_version_id === null
          ? [current.champion_version_id]
          : [current.champion_version_id, current.canary_version_id],
      )
    : undefined;
  const summary = (champion: number | undefined, canary: number | undefined, bp: number) => ({
    champion: { version: champion ?? null, share: (10_000 - bp) / 100 },
    canary: canary === undefined ? null : { version: canary, share: bp / 100 },
  });
  await tx.appendAudit({
    actor: change.actor,
    action: "model.deploy",
    subject: deploymentSubject(model.name, change.environment),
    details: {
      environment: change.environment,
      revision,
      ...summary(change.champion.number, change.canary?.number, change.canaryBp),
      experiment,
      reason: change.reason,
      previous:
        current && previous
          ? {
              revision: current.revision,
              ...summary(
                previous.get(current.champion_version_id)?.number,
                current.canary_version_id === null
                  ? undefined
                  : previous.get(current.canary_version_id)?.number,
                Math.round(current.canary_share * 100),
              ),
              experiment: current.experiment,
            }
          : null,
      ...(change.cause ?? {}),
    },
  });
  const versions = new Map<number, VersionRef>([[change.champion.version_id, change.champion]]);
  if (change.canary) versions.set(change.canary.version_id, change.canary);
  return toDeployment(model, { ...columns, actor: change.actor, at: now }, versions);
}

/** Checks and writes a deployment (run inside the caller's transaction). */
export async function deploy(
  tx: Repo,
  model: ModelRecord,
  input: DeployInput,
  now: number,
): Promise<Deployment> {
  const actor = checkActor(input.actor);
  const reason = cleanReason(input.reason);
  const environment = checkEnvironment(input.environment);
  const hasCanary = input.canary !== undefined && input.canary !== null && input.canary !== "";
  if (hasCanary !== (input.share !== undefined)) {
    throw invalidArgument(
      hasCanary ? "share" : "canary",
      hasCanary
        ? "the canary's share of traffic (percent) with a canary version"
        : "a canary version with a canary share",
      hasCanary ? input.share : input.canary,
    );
  }
  const canaryBp = hasCanary ? shareBasisPoints(input.share as number, "canary share") : 0;
  if (input.experiment !== undefined) {
    if (
      typeof input.experiment !== "string" ||
      input.experiment.trim() === "" ||
      input.experiment.length > 200
    ) {
      throw invalidArgument(
        "experiment",
        "a non-empty id of at most 200 characters",
        input.experiment,
      );
    }
  }
  // Concurrent deploys of one model serialize on the model row (SQLite holds the write lock).
  if (tx.dialect === "postgres") {
    await sql`select id from models where id = ${model.id} for update`.execute(tx.kysely);
  }
  const champion = await resolveVersion(tx, model, input.version, "champion");
  const canary = hasCanary ? await resolveVersion(tx, model, input.canary!, "canary") : null;
  if (canary && canary.version_id === champion.version_id) {
    throw invalidArgument(
      "canary",
      `a version other than the champion v${champion.number}`,
      input.canary,
    );
  }
  for (const [role, v] of [
    ["champion", champion],
    ["canary", canary],
  ] as const) {
    if (v?.stage === "archived") {
      throw forbidden(`Version ${v.number} is archived and cannot serve traffic as the ${role}.`);
    }
  }
  if (environment === PRODUCTION_ENVIRONMENT && champion.stage !== "production") {
    throw forbidden(
      `The champion of the ${PRODUCTION_ENVIRONMENT} environment must be the model's production version; v${champion.number} is in stage ${champion.stage} (promote it first, or deploy it as the canary).`,
    );
  }
  return write(
    tx,
    model,
    {
      environment,
      champion,
      canary,
      canaryBp,
      experiment: input.experiment,
      actor,
      reason,
    },
    now,
  );
}

/**
 * After a rollback archived `archivedId` and restored `restoredId`: every environment
 * served by the archived version moves off it in the same transaction (a champion is
 * replaced by the restored version, a canary is removed), so traffic follows the registry.
 */
export async function moveTrafficAfterRollback(
  tx: Repo,
  model: ModelRecord,
  archivedId: number,
  restoredId: number,
  actor: string,
  reason: string | null,
  now: number,
): Promise<Deployment[]> {
  const rows = await db(tx)
    .selectFrom("deployments")
    .selectAll()
    .where("model_id", "=", model.id)
    .where((eb) =>
      eb.or([eb("champion_version_id", "=", archivedId), eb("canary_version_id", "=", archivedId)]),
    )
    .orderBy("environment")
    .execute();
  const versions = await versionsById(tx, [
    restoredId,
    ...rows.flatMap((r) => [r.champion_version_id, r.canary_version_id ?? r.champion_version_id]),
  ]);
  const restored = versions.get(restoredId);
  if (!restored) return [];
  const out: Deployment[] = [];
  for (const r of rows) {
    const champion =
      r.champion_version_id === archivedId ? restored : versions.get(r.champion_version_id);
    let canary =
      r.canary_version_id === null || r.canary_version_id === archivedId
        ? null
        : (versions.get(r.canary_version_id) ?? null);
    if (canary && champion && canary.version_id === champion.version_id) canary = null;
    if (!champion) continue;
    out.push(
      await write(
        tx,
        model,
        {
          environment: r.environment,
          champion,
          canary,
          canaryBp: canary ? Math.round(r.canary_share * 100) : 0,
          experiment: undefined,
          actor,
          reason,
          cause: { cause: "rollback" },
        },
        now,
      ),
    );
  }
  return out;
}
