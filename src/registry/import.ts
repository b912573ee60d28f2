/**
 * Versions mirrored from MLflow's model registry (issue 6 section 5; the reading side is
 * src/mlflow). An imported version keeps MLflow's version number and, in
 * `metadata.mlflow`, its MLflow identity (tracking URI, registered model, version, run,
 * experiment), so a second import of the same version finds it again: it is updated when
 * MLflow changed, else left alone, and nothing is ever duplicated.
 *
 * MLflow is the source of truth for what it changed since the last import, Vigil for the
 * rest: a stage (or alias) is applied only when MLflow's value differs from what the last
 * import recorded, so a version promoted or archived in Vigil since then keeps its Vigil
 * stage while MLflow has not moved it. Imports mirror MLflow's decisions and therefore do
 * not run the Vigil policy (no gates, no approvals); each change is audited as an import.
 *
 * `Registry.importVersions` is the entry point; this module does not import registry.ts.
 * The whole import is one store transaction: a conflict (a Vigil version with the same
 * number that did not come from this MLflow model) or any failure leaves nothing behind.
 * A dry run performs the same work and rolls it back, so it reports exactly what a real
 * run would do.
 */
import { type Kysely, sql } from "kysely";
import { invalidArgument, VigilError } from "../errors.js";
import {
  canonicalJson,
  type JsonValue,
  MODEL_TASKS,
  type ModelRecord,
  type ModelTask,
  type Repo,
} from "../store/index.js";
import type { Database } from "../store/schema.js";
import { ALIAS_RE } from "./alias.js";
import { STAGES, type Stage } from "./policy.js";
import type { RegistryTables } from "./tables.js";

type Db = Database & RegistryTables;

/** An imported version's MLflow identity and record, stored as `metadata.mlflow`. */
export interface MlflowOrigin {
  /** The tracking server's base URL, without credentials. */
  trackingUri: string;
  registeredModel: string;
  /** MLflow's version number, as MLflow writes it ("3"). */
  version: string;
  runId: string | null;
  experimentId: string | null;
  /** MLflow's stage as it answered: None, Staging, Production or Archived. */
  stage: string;
  /** Aliases pointing at this version in MLflow, sorted. */
  aliases: string[];
  /** Anything else MLflow recorded about the version (status, source, timestamps, ...). */
  [key: string]: JsonValue;
}

export interface ImportedVersionInput {
  /** The Vigil version number: MLflow's. */
  number: number;
  /** The stage mapped from MLflow's; at most one version of a model may be production. */
  stage: Stage;
  /** Kept as the registrant (separation of duties applies to imported versions too). */
  registeredBy: string;
  lineage: JsonValue;
  tags: Record<string, string>;
  mlflow: MlflowOrigin;
}

export interface ImportedModelInput {
  /** The Vigil model (created on first import with `task`, default binary). */
  name: string;
  task?: ModelTask;
  versions: ImportedVersionInput[];
  /** Alias name -> version number, as MLflow has them. */
  aliases: Record<string, number>;
}

export interface ImportOptions {
  actor: string;
  /** Do everything, report it, then roll it back. */
  dryRun?: boolean;
  /** Clock, epoch ms (tests). */
  now?: () => number;
  /**
   * One audit entry written after the versions' own entries, also when nothing changed, so
   * the log shows every import that ran; built from the result (its entry count excluded).
   */
  summary?: (result: Omit<ImportResult, "dryRun" | "auditEntries">) => {
    action: string;
    subject: string;
    details: JsonValue;
  };
}

export type ImportAction = "created" | "updated" | "unchanged";

export interface VersionImportResult {
  version: number;
  action: ImportAction;
  /** The Vigil stage after the import. */
  stage: Stage;
  /** The Vigil aliases of the version after the import. */
  aliases: string[];
  /** What the import changed (empty for unchanged versions). */
  changes: string[];
  /** What it deliberately left as it was, and why. */
  notes: string[];
}

export interface ModelImportResult {
  name: string;
  modelCreated: boolean;
  versions: VersionImportResult[];
  warnings: string[];
}

export interface ImportResult {
  dryRun: boolean;
  models: ModelImportResult[];
  created: number;
  updated: number;
  unchanged: number;
  /** Audit entries appended (0 on a dry run, which rolls them back). */
  auditEntries: number;
}

interface VersionRow {
  version_id: number;
  number: number;
  stage: string;
  registered_by: string;
  metadata_json: string;
}

interface StoredMetadata {
  lineage?: JsonValue;
  tags?: JsonValue;
  mlflow?: Partial<MlflowOrigin> & { mappedStage?: string };
}

function meta(row: VersionRow): StoredMetadata {
  return JSON.parse(row.metadata_json) as StoredMetadata;
}

/** Thrown inside the transaction of a dry run to roll it back with its result. */
class DryRunDone extends Error {
  constructor(readonly result: Omit<ImportResult, "dryRun">) {
    super("dry run");
  }
}

function ids(o: MlflowOrigin): JsonValue {
  return {
    trackingUri: o.trackingUri,
    registeredModel: o.registeredModel,
    version: o.version,
    runId: o.runId,
    experimentId: o.experimentId,
  };
}

function sameOrigin(stored: StoredMetadata["mlflow"], o: MlflowOrigin): boolean {
  return (
    stored?.trackingUri === o.trackingUri &&
    stored.registeredModel === o.registeredModel &&
    stored.version === o.version
  );
}

/** The MLflow record without the parts the import compares on their own. */
function recordPart(o: Partial<MlflowOrigin> | undefined): string {
  const {
    stage: _s,
    aliases: _a,
    mappedStage: _m,
    ...rest
  } = (o ?? {}) as Record<string, JsonValue>;
  return canonicalJson(rest);
}

function checkInput(models: readonly ImportedModelInput[], options: ImportOptions): void {
  if (typeof options.actor !== "string" || options.actor.trim() === "") {
    throw invalidArgument("actor", "a non-empty name", options.actor);
  }
  const names = new Set<string>();
  for (const m of models) {
    if (typeof m.name !== "string" || m.name.trim() === "") {
      throw invalidArgument("model name", "a non-empty string", m.name);
    }
    if (names.has(m.name)) throw invalidArgument("models", "each model once", m.name);
    names.add(m.name);
    if (m.task !== undefined && !MODEL_TASKS.includes(m.task)) {
      throw invalidArgument("task", `one of ${MODEL_TASKS.join(", ")}`, m.task);
    }
    const numbers = new Set<number>();
    let production = 0;
    for (const v of m.versions) {
      if (!Number.isSafeInteger(v.number) || v.number < 1 || numbers.has(v.number)) {
        throw invalidArgument(`${m.name} version`, "distinct integers >= 1", v.number);
      }
      numbers.add(v.number);
      if (!STAGES.includes(v.stage)) {
        throw invalidArgument(`${m.name} v${v.number} stage`, STAGES.join(", "), v.stage);
      }
      if (v.stage === "production") production++;
    }
    if (production > 1) {
      throw invalidArgument(`${m.name} stages`, "at most one production version", production);
    }
  }
}

/**
 * Records the given MLflow versions in the registry, creating, updating or leaving each as
 * described at the top of this file. Returns what it did per model and version.
 */
export async function importVersions(
  store: Repo,
  models: readonly ImportedModelInput[],
  options: ImportOptions,
): Promise<ImportResult> {
  checkInput(models, options);
  const now = options.now ?? Date.now;
  const work = async (tx: Repo): Promise<Omit<ImportResult, "dryRun">> => {
    const results: ModelImportResult[] = [];
    let auditEntries = 0;
    for (const m of models) {
      const r = await importModel(tx, m, options.actor, now);
      results.push(r.result);
      auditEntries += r.auditEntries;
    }
    const all = results.flatMap((r) => r.versions);
    const count = (a: ImportAction) => all.filter((v) => v.action === a).length;
    const totals = {
      created: count("created"),
      updated: count("updated"),
      unchanged: count("unchanged"),
    };
    if (options.summary) {
      const entry = options.summary({ models: results, ...totals });
      await tx.appendAudit({ actor: options.actor, ...entry, time: now() });
      auditEntries++;
    }
    return { models: results, ...totals, auditEntries };
  };
  if (!options.dryRun) return { dryRun: false, ...(await store.transaction(work)) };
  try {
    await store.transaction(async (tx) => {
      throw new DryRunDone(await work(tx));
    });
  } catch (err) {
    if (err instanceof DryRunDone) return { dryRun: true, ...err.result, auditEntries: 0 };
    throw err;
  }
  throw new VigilError("VIGIL_INTERNAL", "The dry run did not roll back.");
}

async function importModel(
  tx: Repo,
  input: ImportedModelInput,
  actor: string,
  now: () => number,
): Promise<{ result: ModelImportResult; auditEntries: number }> {
  const job = await ModelImport.start(tx, input, actor, now);
  const sorted = [...input.versions].sort((a, b) => a.number - b.number);
  for (const v of sorted) await job.version(v);
  await job.aliases();
  const auditEntries = await job.audit(sorted);
  return {
    result: {
      name: input.name,
      modelCreated: job.modelCreated,
      versions: sorted.map((v) => job.results.get(v.number)!),
      warnings: job.warnings,
    },
    auditEntries,
  };
}

/** The import of one model, inside the import's transaction. */
class ModelImport {
  readonly warnings: string[] = [];
  /**
   * Every input version's result from the start: a later version becoming production may
   * archive an earlier one, and the other way round.
   */
  readonly results = new Map<number, VersionImportResult>();
  private readonly staged = new Map<
    number,
    { archived: number[]; stage: { from: Stage; to: Stage } | null }
  >();
  /** Aliases this import pointed at each version. */
  private readonly aliasesSet = new Map<number, string[]>();
  /** Where the last import pointed each MLflow alias: a change in MLflow is what moves it. */
  private readonly lastAliasTarget = new Map<string, number>();

  private constructor(
    private readonly tx: Repo,
    private readonly db: Kysely<Db>,
    private readonly input: ImportedModelInput,
    private readonly modelId: number,
    readonly modelCreated: boolean,
    /** Every registry version of the model, by number (imported or not), kept current. */
    private readonly byNumber: Map<number, VersionRow>,
    private readonly actor: string,
    private readonly now: () => number,
  ) {
    for (const row of byNumber.values()) {
      const m = meta(row).mlflow;
      if (!m || !Array.isArray(m.aliases)) continue;
      for (const a of m.aliases) if (typeof a === "string") this.lastAliasTarget.set(a, row.number);
    }
    for (const v of input.versions) {
      const row = byNumber.get(v.number);
      this.results.set(v.number, {
        version: v.number,
        action: row ? "unchanged" : "created",
        stage: (row?.stage ?? "none") as Stage,
        aliases: [],
        changes: [],
        notes: [],
      });
      this.staged.set(v.number, { archived: [], stage: null });
    }
  }

  /** Loads (or creates) the model and its versions; refuses numbers taken in Vigil. */
  static async start(
    tx: Repo,
    input: ImportedModelInput,
    actor: string,
    now: () => number,
  ): Promise<ModelImport> {
    const db = tx.kysely as unknown as Kysely<Db>;
    let model: ModelRecord | undefined = await tx.getModel(input.name);
    const modelCreated = !model;
    model ??= await tx.createModel({ name: input.name, task: input.task ?? "binary", schema: {} });
    // Serializes with concurrent registrations of the model on PostgreSQL, as register() does.
    if (tx.dialect === "postgres") {
      await sql`select id from models where id = ${model.id} for update`.execute(db);
    }
    const rows = await db
      .selectFrom("registry_versions as r")
      .innerJoin("model_versions as v", "v.id", "r.version_id")
      .select(["r.version_id", "r.number", "r.stage", "r.registered_by", "v.metadata_json"])
      .where("r.model_id", "=", model.id)
      .execute();
    const byNumber = new Map<number, VersionRow>(rows.map((r) => [r.number, { ...r }]));
    const registryIds = new Set(rows.map((r) => r.version_id));
    // Versions the monitoring side created without registering them hold version names too.
    const plain = new Set(
      (
        await db
          .selectFrom("model_versions")
          .select(["id", "version"])
          .where("model_id", "=", model.id)
          .execute()
      )
        .filter((v) => !registryIds.has(v.id))
        .map((v) => v.version),
    );
    const conflicts = input.versions
      .filter((v) => {
        const row = byNumber.get(v.number);
        return row ? !sameOrigin(meta(row).mlflow, v.mlflow) : plain.has(String(v.number));
      })
      .map((v) => String(v.number));
    if (conflicts.length > 0) {
      const origin = input.versions[0]?.mlflow;
      throw new VigilError(
        "VIGIL_ALREADY_EXISTS",
        `Model "${input.name}" already has version(s) ${conflicts.join(", ")} that did not come from MLflow model "${
          origin?.registeredModel ?? input.name
        }" at ${origin?.trackingUri ?? "this server"}; nothing was imported. Import into an empty model, or remove the conflicting versions.`,
        conflicts.map((n) => ({ field: `version ${n}`, message: "number already taken in Vigil" })),
      );
    }
    return new ModelImport(tx, db, input, model.id, modelCreated, byNumber, actor, now);
  }

  private result(n: number): VersionImportResult | undefined {
    return this.results.get(n);
  }

  private changed(n: number, change: string): void {
    const r = this.result(n);
    if (!r) return;
    r.changes.push(change);
    if (r.action === "unchanged") r.action = "updated";
  }

  private async event(row: VersionRow, from: Stage, to: Stage, reason: string, details: JsonValue) {
    await this.db
      .insertInto("registry_events")
      .values({
        model_id: this.modelId,
        version_id: row.version_id,
        kind: "transition",
        from_stage: from,
        to_stage: to,
        actor: this.actor,
        role: null,
        reason,
        details_json: canonicalJson(details),
        created_at: this.now(),
      })
      .execute();
  }

  private async setStage(row: VersionRow, stage: Stage): Promise<void> {
    await this.db
      .updateTable("registry_versions")
      .set({ stage, updated_at: this.now() })
      .where("version_id", "=", row.version_id)
      .execute();
    row.stage = stage;
  }

  /** Moves a version to the stage MLflow gave it, archiving the production version first. */
  private async move(row: VersionRow, to: Stage, v: ImportedVersionInput): Promise<void> {
    const from = row.stage as Stage;
    const details = { source: "mlflow", ...(ids(v.mlflow) as object), mlflowStage: v.mlflow.stage };
    const entry = this.staged.get(row.number);
    if (to === "production") {
      for (const other of this.byNumber.values()) {
        if (other.stage !== "production" || other.number === row.number) continue;
        await this.setStage(other, "archived");
        await this.event(
          other,
          "production",
          "archived",
          `replaced by version ${row.number}`,
          details,
        );
        entry?.archived.push(other.number);
        const change = `stage production -> archived (version ${row.number} became production)`;
        const r = this.result(other.number);
        if (r) {
          this.changed(other.number, change);
          r.stage = "archived";
          const s = this.staged.get(other.number)!;
          s.stage = { from: s.stage?.from ?? "production", to: "archived" };
        } else {
          this.warnings.push(`version ${other.number} (not from MLflow) was archived: ${change}`);
        }
      }
    }
    await this.setStage(row, to);
    await this.event(row, from, to, `MLflow stage ${v.mlflow.stage}`, details);
    if (entry) entry.stage = { from: entry.stage?.from ?? from, to };
  }

  /** Creates, updates or leaves one version (aliases come after all versions). */
  async version(v: ImportedVersionInput): Promise<void> {
    const metadata = {
      lineage: v.lineage,
      tags: v.tags,
      mlflow: { ...v.mlflow, mappedStage: v.stage },
    };
    const result = this.results.get(v.number)!;
    const existing = this.byNumber.get(v.number);
    if (!existing) {
      const created = await this.tx.createVersion(this.modelId, {
        version: String(v.number),
        metadata,
      });
      const at = this.now();
      await this.db
        .insertInto("registry_versions")
        .values({
          version_id: created.id,
          model_id: this.modelId,
          number: v.number,
          stage: "none",
          registered_by: v.registeredBy,
          created_at: at,
          updated_at: at,
        })
        .execute();
      const row: VersionRow = {
        version_id: created.id,
        number: v.number,
        stage: "none",
        registered_by: v.registeredBy,
        metadata_json: canonicalJson(metadata),
      };
      this.byNumber.set(v.number, row);
      if (v.stage !== "none") await this.move(row, v.stage, v);
      result.stage = row.stage as Stage;
      return;
    }
    const old = meta(existing);
    const changes: string[] = [];
    if (canonicalJson(old.lineage ?? null) !== canonicalJson(v.lineage)) {
      changes.push("lineage (run tags, params, metrics, datasets or artifact)");
    }
    if (canonicalJson(old.tags ?? {}) !== canonicalJson(v.tags)) changes.push("tags");
    if (recordPart(old.mlflow) !== recordPart(v.mlflow)) changes.push("MLflow record");
    if (old.mlflow?.stage !== v.mlflow.stage) {
      changes.push(`MLflow stage ${old.mlflow?.stage ?? "?"} -> ${v.mlflow.stage}`);
    }
    if (canonicalJson(old.mlflow?.aliases ?? []) !== canonicalJson(v.mlflow.aliases)) {
      changes.push(`MLflow aliases [${v.mlflow.aliases.join(", ")}]`);
    }
    const metadataJson = canonicalJson(metadata);
    if (metadataJson !== existing.metadata_json) {
      await this.db
        .updateTable("model_versions")
        .set({ metadata_json: metadataJson })
        .where("id", "=", existing.version_id)
        .execute();
      existing.metadata_json = metadataJson;
      if (changes.length === 0) changes.push("metadata");
    }
    for (const c of changes) this.changed(v.number, c);
    if (existing.stage !== v.stage) {
      if (old.mlflow?.mappedStage !== v.stage) {
        const from = existing.stage;
        await this.move(existing, v.stage, v);
        this.changed(v.number, `stage ${from} -> ${v.stage}`);
      } else {
        result.notes.push(
          `kept the Vigil stage ${existing.stage}: MLflow's stage (${v.mlflow.stage}) has not changed since the last import`,
        );
      }
    }
    result.stage = existing.stage as Stage;
  }

  /** Points MLflow's aliases at their versions, where MLflow moved them since last time. */
  async aliases(): Promise<void> {
    const rows = await this.db
      .selectFrom("registry_aliases")
      .select(["alias", "version_id"])
      .where("model_id", "=", this.modelId)
      .execute();
    const current = new Map(rows.map((a) => [a.alias, a.version_id]));
    const numberOf = new Map([...this.byNumber.values()].map((r) => [r.version_id, r.number]));
    const wanted = Object.entries(this.input.aliases).sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [alias, n] of wanted) {
      if (!ALIAS_RE.test(alias)) {
        this.warnings.push(
          `MLflow alias "${alias}" (version ${n}) is not a valid Vigil alias name (a letter, then letters, digits, _ . -; at most 64); not imported`,
        );
        continue;
      }
      const target = this.byNumber.get(n);
      const result = this.result(n);
      if (!target || !result) {
        this.warnings.push(
          `MLflow alias "${alias}" points at version ${n}, which was not imported`,
        );
        continue;
      }
      const before = current.get(alias);
      if (before === target.version_id) continue;
      if (this.lastAliasTarget.get(alias) === n) {
        result.notes.push(
          `kept the Vigil alias ${alias} ${
            before === undefined ? "removed" : `on version ${numberOf.get(before)}`
          }: MLflow has not moved it since the last import`,
        );
        continue;
      }
      if (before === undefined) {
        await this.db
          .insertInto("registry_aliases")
          .values({
            model_id: this.modelId,
            alias,
            version_id: target.version_id,
            updated_at: this.now(),
          })
          .execute();
      } else {
        await this.db
          .updateTable("registry_aliases")
          .set({ version_id: target.version_id, updated_at: this.now() })
          .where("model_id", "=", this.modelId)
          .where("alias", "=", alias)
          .execute();
        const was = numberOf.get(before)!;
        if (this.result(was)) this.changed(was, `alias ${alias} moved to version ${n}`);
        else
          this.warnings.push(
            `alias ${alias} moved from version ${was} (not from MLflow) to version ${n}`,
          );
      }
      current.set(alias, target.version_id);
      this.aliasesSet.set(n, [...(this.aliasesSet.get(n) ?? []), alias]);
      this.changed(n, `alias ${alias}`);
    }
    for (const [alias, n] of this.lastAliasTarget) {
      if (alias in this.input.aliases || !current.has(alias)) continue;
      this.warnings.push(
        `MLflow no longer has alias "${alias}" (last imported on version ${n}); the Vigil alias was left in place (remove it with the registry if it should go)`,
      );
    }
    for (const r of this.results.values()) {
      const id = this.byNumber.get(r.version)?.version_id;
      r.aliases = [...current]
        .filter(([, vid]) => vid === id)
        .map(([a]) => a)
        .sort();
    }
  }

  /** One audit entry per created or updated version, in version order; returns the count. */
  async audit(sorted: readonly ImportedVersionInput[]): Promise<number> {
    let entries = 0;
    for (const v of sorted) {
      const r = this.results.get(v.number)!;
      if (r.action === "unchanged") continue;
      const s = this.staged.get(v.number)!;
      const aliases = this.aliasesSet.get(v.number) ?? [];
      const lineage = v.lineage as { artifact?: { uri?: JsonValue }; git?: { commit?: JsonValue } };
      await this.tx.appendAudit({
        actor: this.actor,
        action: r.action === "created" ? "model.import" : "model.import.update",
        subject: `model:${this.input.name}/${v.number}`,
        details:
          r.action === "created"
            ? {
                mlflow: ids(v.mlflow),
                stage: r.stage,
                mlflowStage: v.mlflow.stage,
                aliases,
                artifact: lineage?.artifact?.uri ?? null,
                gitCommit: lineage?.git?.commit ?? null,
                archived: s.archived,
              }
            : {
                mlflow: ids(v.mlflow),
                changes: r.changes,
                stage: s.stage,
                aliases,
                archived: s.archived,
              },
        time: this.now(),
      });
      entries++;
    }
    return entries;
  }
}
