/**
 * The model registry (issue 6 section 2) on the store: register versions with lineage,
 * move them through stages none -> staging -> production -> archived under the model's
 * policy, approvals, rejections, aliases, rollback. Every mutation runs in one store
 * transaction together with its audit entry, and every check runs before the first write,
 * so a refused action leaves nothing behind (not even an audit entry).
 */
import { createHash } from "node:crypto";
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
import { checkAlias } from "./alias.js";
import {
  type DeployInput,
  type Deployment,
  deploy,
  deploymentHistory,
  getDeployment,
  listDeployments,
  moveTrafficAfterRollback,
} from "./deployments.js";
import type { GateEvidence } from "./evidence.js";
import {
  type ImportedModelInput,
  type ImportOptions,
  type ImportResult,
  importVersions,
} from "./import.js";
import {
  DEFAULT_POLICY,
  parseRegistryPolicy,
  type RegistryPolicy,
  STAGES,
  type Stage,
  type TransitionRule,
} from "./policy.js";
import type { RegistryTables } from "./tables.js";
import { aliasTarget, refNumber, versionNotFound } from "./version-ref.js";

const DAY_MS = 86_400_000;

type Db = Database & RegistryTables;

export interface RegisteredVersion {
  model: string;
  version: number;
  versionId: number;
  stage: Stage;
  registeredBy: string;
  aliases: string[];
  createdAt: number;
  updatedAt: number;
  /** What register() recorded: { lineage, tags }. */
  metadata: JsonValue;
}

export interface RegistryEvent {
  kind: "transition" | "approve" | "reject" | "rollback" | "evidence";
  version: number;
  from: Stage | null;
  to: Stage | null;
  actor: string;
  role: string | null;
  reason: string | null;
  details: JsonValue;
  at: number;
}

export interface PolicyRecord {
  model: string;
  revision: number;
  yaml: string;
  sha256: string;
  createdBy: string;
  createdAt: number;
  policy: RegistryPolicy;
}

export interface RegisterInput {
  name: string;
  actor: string;
  /** Task of a model registered for the first time (default binary). */
  task?: ModelTask;
  lineage: JsonValue;
  tags?: Record<string, string>;
  /**
   * Runs inside the registration's transaction once the version exists (embedded store
   * only): register stores the version's reference profile here, so both commit together.
   */
  within?: (tx: Repo, version: { model: ModelRecord; number: number }) => Promise<void>;
}

export interface ActionInput {
  actor: string;
  reason?: string;
}

export interface PromoteInput extends ActionInput {
  /** Target stage; default: the next one (none -> staging -> production). */
  to?: Stage;
  gate?: GateEvidence;
}

export interface ApprovalInput extends ActionInput {
  /** The role the approver acts in; checked against the policy's `approvals.role`. */
  role?: string;
  /** The transition approved; default: the version's next stage. */
  to?: Stage;
}

export interface RegistryOptions {
  /** Clock, epoch ms (tests). */
  now?: () => number;
}

/** Allowed moves by promote/archive; production -> archived also happens by rollback. */
const MOVES: Record<Stage, readonly Stage[]> = {
  none: ["staging", "archived"],
  staging: ["production", "archived"],
  production: ["archived"],
  archived: [],
};
const NEXT: Partial<Record<Stage, Stage>> = { none: "staging", staging: "production" };

function forbidden(message: string): VigilError {
  return new VigilError("VIGIL_FORBIDDEN_TRANSITION", message);
}

function checkStage(stage: unknown, what: string): Stage {
  if (!STAGES.includes(stage as Stage)) {
    throw invalidArgument(what, `one of ${STAGES.join(", ")}`, stage);
  }
  return stage as Stage;
}

function checkActor(actor: unknown): string {
  if (typeof actor !== "string" || actor.trim() === "") {
    throw invalidArgument("actor", "a non-empty name", actor);
  }
  return actor;
}

function cleanReason(reason: unknown): string | null {
  if (reason === undefined || reason === null) return null;
  if (typeof reason !== "string") throw invalidArgument("reason", "a string", reason);
  return reason.trim() === "" ? null : reason;
}

export class Registry {
  private readonly now: () => number;

  constructor(
    private readonly store: Repo,
    options: RegistryOptions = {},
  ) {
    this.now = options.now ?? Date.now;
  }

  private db(tx: Repo): Kysely<Db> {
    return tx.kysely as unknown as Kysely<Db>;
  }

  // ---- reads -------------------------------------------------------------------------

  private async model(tx: Repo, name: string): Promise<ModelRecord> {
    return tx.requireModel(name);
  }

  /** A version by number ("3") or alias ("champion"). Throws VIGIL_VERSION_NOT_FOUND. */
  private async versionRow(tx: Repo, model: ModelRecord, ref: string | number) {
    const db = this.db(tx);
    const number = refNumber(ref);
    const q = db
      .selectFrom("registry_versions as r")
      .innerJoin("model_versions as v", "v.id", "r.version_id")
      .selectAll("r")
      .select("v.metadata_json")
      .where("r.model_id", "=", model.id);
    const row = await (number !== null
      ? q.where("r.number", "=", number)
      : q.where("r.version_id", "=", aliasTarget(tx, model.id, String(ref)))
    ).executeTakeFirst();
    if (!row) throw versionNotFound(model.name, ref);
    return row;
  }

  private async aliasesOf(tx: Repo, modelId: number): Promise<Map<number, string[]>> {
    const rows = await this.db(tx)
      .selectFrom("registry_aliases")
      .select(["alias", "version_id"])
      .where("model_id", "=", modelId)
      .orderBy("alias")
      .execute();
    const out = new Map<number, string[]>();
    for (const r of rows) out.set(r.version_id, [...(out.get(r.version_id) ?? []), r.alias]);
    return out;
  }

  private toVersion(
    model: ModelRecord,
    r: RegistryTables["registry_versions"] & { metadata_json: string },
    aliases: Map<number, string[]>,
  ): RegisteredVersion {
    return {
      model: model.name,
      version: r.number,
      versionId: r.version_id,
      stage: r.stage as Stage,
      registeredBy: r.registered_by,
      aliases: aliases.get(r.version_id) ?? [],
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      metadata: JSON.parse(r.metadata_json) as JsonValue,
    };
  }

  /** Models that have registered versions, with their production version number. */
  async list(): Promise<
    { name: string; task: ModelTask; versions: number; production: number | null }[]
  > {
    const rows = await this.db(this.store)
      .selectFrom("models as m")
      .innerJoin("registry_versions as r", "r.model_id", "m.id")
      .select(["m.name", "m.task", "r.number", "r.stage"])
      .orderBy("m.name")
      .orderBy("r.number")
      .execute();
    const out = new Map<
      string,
      { name: string; task: ModelTask; versions: number; production: number | null }
    >();
    for (const r of rows) {
      const m = out.get(r.name) ?? {
        name: r.name,
        task: r.task as ModelTask,
        versions: 0,
        production: null,
      };
      m.versions++;
      if (r.stage === "production") m.production = r.number;
      out.set(r.name, m);
    }
    return [...out.values()];
  }

  /** Every registered version of a model, oldest first. */
  async versions(name: string): Promise<RegisteredVersion[]> {
    const model = await this.model(this.store, name);
    const rows = await this.db(this.store)
      .selectFrom("registry_versions as r")
      .innerJoin("model_versions as v", "v.id", "r.version_id")
      .selectAll("r")
      .select("v.metadata_json")
      .where("r.model_id", "=", model.id)
      .orderBy("r.number")
      .execute();
    const aliases = await this.aliasesOf(this.store, model.id);
    return rows.map((r) => this.toVersion(model, r, aliases));
  }

  /** One version (by number or alias) with its history of events. */
  async show(
    name: string,
    ref: string | number,
  ): Promise<RegisteredVersion & { events: RegistryEvent[] }> {
    const model = await this.model(this.store, name);
    const row = await this.versionRow(this.store, model, ref);
    const aliases = await this.aliasesOf(this.store, model.id);
    const events = await this.db(this.store)
      .selectFrom("registry_events")
      .selectAll()
      .where("version_id", "=", row.version_id)
      .orderBy("id")
      .execute();
    return {
      ...this.toVersion(model, row, aliases),
      events: events.map((e) => ({
        kind: e.kind as RegistryEvent["kind"],
        version: row.number,
        from: e.from_stage as Stage | null,
        to: e.to_stage as Stage | null,
        actor: e.actor,
        role: e.role,
        reason: e.reason,
        details: JSON.parse(e.details_json) as JsonValue,
        at: e.created_at,
      })),
    };
  }

  /** The current policy (undefined when none was set: the default applies). */
  async getPolicy(name: string): Promise<PolicyRecord | undefined> {
    const model = await this.model(this.store, name);
    return this.policyRecord(this.store, model);
  }

  private async policyRecord(tx: Repo, model: ModelRecord): Promise<PolicyRecord | undefined> {
    const row = await this.db(tx)
      .selectFrom("registry_policies")
      .selectAll()
      .where("model_id", "=", model.id)
      .orderBy("revision", "desc")
      .limit(1)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      model: model.name,
      revision: row.revision,
      yaml: row.yaml,
      sha256: row.sha256,
      createdBy: row.created_by,
      createdAt: row.created_at,
      policy: parseRegistryPolicy(row.yaml),
    };
  }

  // ---- writes ------------------------------------------------------------------------

  private async event(
    tx: Repo,
    e: Omit<RegistryTables["registry_events"], "id" | "details_json" | "created_at"> & {
      details?: JsonValue;
    },
  ): Promise<void> {
    const { details, ...rest } = e;
    await this.db(tx)
      .insertInto("registry_events")
      .values({ ...rest, details_json: canonicalJson(details ?? {}), created_at: this.now() })
      .execute();
  }

  private async setStage(tx: Repo, versionId: number, stage: Stage): Promise<void> {
    await this.db(tx)
      .updateTable("registry_versions")
      .set({ stage, updated_at: this.now() })
      .where("version_id", "=", versionId)
      .execute();
  }

  /**
   * Registers a new version (number = previous highest + 1), creating the model on first
   * use. Returns the version in stage "none".
   */
  async register(input: RegisterInput): Promise<RegisteredVersion> {
    const actor = checkActor(input.actor);
    if (input.task !== undefined && !MODEL_TASKS.includes(input.task)) {
      throw invalidArgument("task", `one of ${MODEL_TASKS.join(", ")}`, input.task);
    }
    const tags = input.tags ?? {};
    for (const [k, v] of Object.entries(tags)) {
      if (typeof v !== "string") throw invalidArgument(`tag ${k}`, "a string value", v);
    }
    return this.store.transaction(async (tx) => {
      const model =
        (await tx.getModel(input.name)) ??
        (await tx.createModel({ name: input.name, task: input.task ?? "binary", schema: {} }));
      const db = this.db(tx);
      // Serializes concurrent registrations of one model on PostgreSQL (SQLite already
      // holds the write lock), so two writers never pick the same number.
      if (tx.dialect === "postgres") {
        await sql`select id from models where id = ${model.id} for update`.execute(db);
      }
      const last = await db
        .selectFrom("registry_versions")
        .select((eb) => eb.fn.max("number").as("n"))
        .where("model_id", "=", model.id)
        .executeTakeFirst();
      const number = Number(last?.n ?? 0) + 1;
      const metadata: JsonValue = { lineage: input.lineage, tags };
      const v = await tx.createVersion(model.id, { version: String(number), metadata });
      const now = this.now();
      await db
        .insertInto("registry_versions")
        .values({
          version_id: v.id,
          model_id: model.id,
          number,
          stage: "none",
          registered_by: actor,
          created_at: now,
          updated_at: now,
        })
        .execute();
      const lineage = input.lineage as Record<string, unknown> | null;
      const artifact = (lineage?.artifact ?? null) as JsonValue;
      await tx.appendAudit({
        actor,
        action: "model.register",
        subject: `model:${model.name}/${number}`,
        details: { version: number, artifact, tags },
      });
      if (input.within) await input.within(tx, { model, number });
      return {
        model: model.name,
        version: number,
        versionId: v.id,
        stage: "none",
        registeredBy: actor,
        aliases: [],
        createdAt: now,
        updatedAt: now,
        metadata,
      };
    });
  }

  /** Stores a new revision of the model's policy (YAML kept verbatim, with its sha256). */
  async setPolicy(name: string, yaml: string, actor: string): Promise<PolicyRecord> {
    checkActor(actor);
    const policy = parseRegistryPolicy(yaml);
    return this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      const current = await this.policyRecord(tx, model);
      const revision = (current?.revision ?? 0) + 1;
      const sha256 = createHash("sha256").update(yaml, "utf8").digest("hex");
      const now = this.now();
      await this.db(tx)
        .insertInto("registry_policies")
        .values({
          model_id: model.id,
          revision,
          yaml,
          sha256,
          created_by: actor,
          created_at: now,
        })
        .execute();
      await tx.appendAudit({
        actor,
        action: "model.policy.set",
        subject: `model:${model.name}`,
        details: { revision, sha256, previous: current?.sha256 ?? null },
      });
      return {
        model: model.name,
        revision,
        yaml,
        sha256,
        createdBy: actor,
        createdAt: now,
        policy,
      };
    });
  }

  private async rules(
    tx: Repo,
    model: ModelRecord,
  ): Promise<RegistryPolicy & { revision: number }> {
    const rec = await this.policyRecord(tx, model);
    return rec ? { ...rec.policy, revision: rec.revision } : { ...DEFAULT_POLICY, revision: 0 };
  }

  private target(from: Stage, to: Stage | undefined, version: number): Stage {
    const target = to === undefined ? NEXT[from] : checkStage(to, "to");
    if (!target || !MOVES[from].includes(target)) {
      throw forbidden(
        `Version ${version} is in stage ${from}; it cannot move to ${target ?? "a next stage"} (allowed: ${
          MOVES[from].join(", ") || "none; archived versions return only by rollback"
        }).`,
      );
    }
    return target;
  }

  private checkGate(rule: TransitionRule, gate: GateEvidence | undefined, to: Stage): void {
    if (!rule.gate) return;
    if (!gate) {
      throw new VigilError(
        "VIGIL_GATE_EVIDENCE",
        `The policy requires a gate result for the move to ${to}; attach one with --gate FILE.`,
      );
    }
    if (gate.status !== "PASS") {
      throw new VigilError(
        "VIGIL_GATE_EVIDENCE",
        `The gate result ${gate.sha256.slice(0, 12)} is ${gate.status}, the policy requires PASS.`,
      );
    }
    const ageDays = (this.now() - gate.generatedAt) / DAY_MS;
    if (ageDays > rule.gate.maxAgeDays) {
      throw new VigilError(
        "VIGIL_GATE_EVIDENCE",
        `The gate result is ${ageDays.toFixed(1)} days old (from its ${
          gate.timeSource === "report" ? "generatedAt field" : "file time"
        }); the policy accepts at most ${rule.gate.maxAgeDays}.`,
      );
    }
    for (const name of rule.gate.require ?? []) {
      const g = gate.gates.find((x) => x.name === name);
      if (g?.status !== "PASS") {
        throw new VigilError(
          "VIGIL_GATE_EVIDENCE",
          `The policy requires gate "${name}" to PASS; the attached result ${
            g ? `has it ${g.status}` : "does not contain it"
          }.`,
        );
      }
    }
  }

  private async checkApprovals(
    tx: Repo,
    rule: TransitionRule,
    versionId: number,
    version: number,
    to: Stage,
  ): Promise<string[]> {
    const rows = await this.db(tx)
      .selectFrom("registry_events")
      .select(["kind", "actor", "role"])
      .where("version_id", "=", versionId)
      .where("to_stage", "=", to)
      .where("kind", "in", ["approve", "reject"])
      .orderBy("id")
      .execute();
    const rejection = rows.find((r) => r.kind === "reject");
    if (rejection) {
      throw new VigilError(
        "VIGIL_POLICY_NOT_MET",
        `Version ${version} was rejected for ${to} by ${rejection.actor}; register a new version.`,
      );
    }
    // Approvals given under an earlier policy revision count only in the role asked now.
    const role = rule.approvals?.role;
    const approvers = [
      ...new Set(
        rows.filter((r) => r.kind === "approve" && (!role || r.role === role)).map((r) => r.actor),
      ),
    ];
    const need = rule.approvals?.count ?? 0;
    if (approvers.length < need) {
      throw new VigilError(
        "VIGIL_POLICY_NOT_MET",
        `The move of version ${version} to ${to} needs ${need} approval(s)${
          rule.approvals?.role ? ` from role ${rule.approvals.role}` : ""
        }; it has ${approvers.length}.`,
      );
    }
    return approvers;
  }

  /** Moves a version to its next stage (or `to`), enforcing the policy. */
  async promote(
    name: string,
    ref: string | number,
    input: PromoteInput,
  ): Promise<RegisteredVersion> {
    const actor = checkActor(input.actor);
    const reason = cleanReason(input.reason);
    return this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      const row = await this.versionRow(tx, model, ref);
      const from = row.stage as Stage;
      const to = this.target(from, input.to, row.number);
      const policy = await this.rules(tx, model);
      const rule = policy.transitions[to as Exclude<Stage, "none">] ?? {};
      if (rule.reasonRequired && !reason) {
        throw new VigilError(
          "VIGIL_POLICY_NOT_MET",
          `The policy requires a reason for the move to ${to}; pass --reason.`,
        );
      }
      this.checkGate(rule, input.gate, to);
      const approvers = await this.checkApprovals(tx, rule, row.version_id, row.number, to);
      let replaced: number | null = null;
      if (to === "production") {
        const current = await this.db(tx)
          .selectFrom("registry_versions")
          .select(["version_id", "number"])
          .where("model_id", "=", model.id)
          .where("stage", "=", "production")
          .executeTakeFirst();
        if (current) {
          replaced = current.number;
          await this.setStage(tx, current.version_id, "archived");
          await this.event(tx, {
            model_id: model.id,
            version_id: current.version_id,
            kind: "transition",
            from_stage: "production",
            to_stage: "archived",
            actor,
            role: null,
            reason: `replaced by version ${row.number}`,
          });
        }
      }
      const gate = input.gate
        ? {
            sha256: input.gate.sha256,
            status: input.gate.status,
            generatedAt: input.gate.generatedAt,
            timeSource: input.gate.timeSource,
          }
        : null;
      if (input.gate) {
        await this.event(tx, {
          model_id: model.id,
          version_id: row.version_id,
          kind: "evidence",
          from_stage: from,
          to_stage: to,
          actor,
          role: null,
          reason: null,
          details: { ...gate, report: input.gate.report as JsonValue },
        });
      }
      await this.setStage(tx, row.version_id, to);
      await this.event(tx, {
        model_id: model.id,
        version_id: row.version_id,
        kind: "transition",
        from_stage: from,
        to_stage: to,
        actor,
        role: null,
        reason,
        details: { gate, approvers, policyRevision: policy.revision },
      });
      await tx.appendAudit({
        actor,
        action: "model.promote",
        subject: `model:${model.name}/${row.number}`,
        details: {
          from,
          to,
          reason,
          gate,
          approvers,
          policyRevision: policy.revision,
          archived: replaced,
        },
      });
      const aliases = await this.aliasesOf(tx, model.id);
      return this.toVersion(model, { ...row, stage: to, updated_at: this.now() }, aliases);
    });
  }

  private async decide(
    kind: "approve" | "reject",
    name: string,
    ref: string | number,
    input: ApprovalInput,
  ): Promise<RegistryEvent> {
    const actor = checkActor(input.actor);
    const reason = cleanReason(input.reason);
    return this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      const row = await this.versionRow(tx, model, ref);
      const from = row.stage as Stage;
      const to = this.target(from, input.to, row.number);
      const policy = await this.rules(tx, model);
      const rule = policy.transitions[to as Exclude<Stage, "none">] ?? {};
      const role = input.role ?? null;
      if (kind === "approve") {
        if (actor === row.registered_by && !rule.allowSelfApproval) {
          throw new VigilError(
            "VIGIL_SELF_APPROVAL",
            `${actor} registered version ${row.number} and may not approve it (separation of duties).`,
          );
        }
        if (rule.approvals?.role && role !== rule.approvals.role) {
          throw new VigilError(
            "VIGIL_POLICY_NOT_MET",
            `Approvals of the move to ${to} must come from role ${rule.approvals.role}${
              role ? `, not ${role}` : "; pass --role"
            }.`,
          );
        }
        const dup = await this.db(tx)
          .selectFrom("registry_events")
          .select("id")
          .where("version_id", "=", row.version_id)
          .where("kind", "=", "approve")
          .where("to_stage", "=", to)
          .where("actor", "=", actor)
          .executeTakeFirst();
        if (dup) {
          throw new VigilError(
            "VIGIL_ALREADY_EXISTS",
            `${actor} already approved version ${row.number} for ${to}.`,
          );
        }
      } else if (!reason) {
        throw new VigilError("VIGIL_POLICY_NOT_MET", "A rejection needs a reason; pass --reason.");
      }
      await this.event(tx, {
        model_id: model.id,
        version_id: row.version_id,
        kind,
        from_stage: from,
        to_stage: to,
        actor,
        role,
        reason,
      });
      await tx.appendAudit({
        actor,
        action: `model.${kind}`,
        subject: `model:${model.name}/${row.number}`,
        details: { to, role, reason },
      });
      return {
        kind,
        version: row.number,
        from,
        to,
        actor,
        role,
        reason,
        details: {},
        at: this.now(),
      };
    });
  }

  /** Records an approval of the version's next move (or `to`). */
  approve(name: string, ref: string | number, input: ApprovalInput): Promise<RegistryEvent> {
    return this.decide("approve", name, ref, input);
  }

  /** Records a rejection (reason required); the move is then refused for that version. */
  reject(name: string, ref: string | number, input: ApprovalInput): Promise<RegistryEvent> {
    return this.decide("reject", name, ref, input);
  }

  /** Archives a version that is not archived yet. */
  async archive(
    name: string,
    ref: string | number,
    input: ActionInput,
  ): Promise<RegisteredVersion> {
    return this.promote(name, ref, { ...input, to: "archived" });
  }

  /**
   * Restores the previous production version and archives the current one, in one
   * transaction. Versions archived by an earlier rollback are never restored.
   */
  async rollback(
    name: string,
    input: ActionInput,
  ): Promise<{ restored: RegisteredVersion; archived: number }> {
    const actor = checkActor(input.actor);
    const reason = cleanReason(input.reason);
    return this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      const db = this.db(tx);
      const current = await db
        .selectFrom("registry_versions")
        .selectAll()
        .where("model_id", "=", model.id)
        .where("stage", "=", "production")
        .executeTakeFirst();
      if (!current)
        throw forbidden(`Model "${model.name}" has no production version to roll back.`);
      const policy = await this.rules(tx, model);
      if (policy.transitions.production?.reasonRequired && !reason) {
        throw new VigilError(
          "VIGIL_POLICY_NOT_MET",
          "The policy requires a reason for production changes; pass --reason.",
        );
      }
      const rolledBack = db
        .selectFrom("registry_events")
        .select("version_id")
        .where("model_id", "=", model.id)
        .where("kind", "=", "rollback");
      const previous = await db
        .selectFrom("registry_events as e")
        .innerJoin("registry_versions as r", "r.version_id", "e.version_id")
        .select(["r.version_id", "r.number"])
        .where("e.model_id", "=", model.id)
        .where("e.kind", "=", "transition")
        .where("e.to_stage", "=", "production")
        .where("e.version_id", "!=", current.version_id)
        .where("r.stage", "=", "archived")
        .where("e.version_id", "not in", rolledBack)
        .orderBy("e.id", "desc")
        .limit(1)
        .executeTakeFirst();
      if (!previous) {
        throw forbidden(
          `Model "${model.name}" has no earlier production version to restore (version ${current.number} is the first).`,
        );
      }
      await this.setStage(tx, current.version_id, "archived");
      await this.event(tx, {
        model_id: model.id,
        version_id: current.version_id,
        kind: "rollback",
        from_stage: "production",
        to_stage: "archived",
        actor,
        role: null,
        reason,
        details: { restored: previous.number },
      });
      await this.setStage(tx, previous.version_id, "production");
      await this.event(tx, {
        model_id: model.id,
        version_id: previous.version_id,
        kind: "transition",
        from_stage: "archived",
        to_stage: "production",
        actor,
        role: null,
        reason,
        details: { rollbackOf: current.number },
      });
      await tx.appendAudit({
        actor,
        action: "model.rollback",
        subject: `model:${model.name}/${previous.number}`,
        details: { restored: previous.number, archived: current.number, reason },
      });
      // Traffic follows the registry: environments served by the archived version move off it.
      await moveTrafficAfterRollback(
        tx,
        model,
        current.version_id,
        previous.version_id,
        actor,
        reason,
        this.now(),
      );
      const row = await this.versionRow(tx, model, previous.number);
      return {
        restored: this.toVersion(model, row, await this.aliasesOf(tx, model.id)),
        archived: current.number,
      };
    });
  }

  // ---- deployments (src/registry/deployments.ts) ---------------------------------------

  /**
   * Sets which version serves an environment (and an optional canary with its share of
   * traffic), audited as `model.deploy`. Throws VIGIL_VERSION_NOT_FOUND,
   * VIGIL_FORBIDDEN_DEPLOYMENT or VIGIL_INVALID_ARGUMENT, writing nothing.
   */
  async deploy(name: string, input: DeployInput): Promise<Deployment> {
    return this.store.transaction(async (tx) =>
      deploy(tx, await this.model(tx, name), input, this.now()),
    );
  }

  /** The current deployment record of every environment of a model. */
  async deployments(name: string): Promise<Deployment[]> {
    return listDeployments(this.store, await this.model(this.store, name));
  }

  /** One environment's current record; throws VIGIL_DEPLOYMENT_NOT_FOUND. */
  async deployment(name: string, environment: string): Promise<Deployment> {
    return getDeployment(this.store, await this.model(this.store, name), environment);
  }

  /** Every revision, oldest first, optionally of one environment or involving one version. */
  async deploymentHistory(
    name: string,
    filter: { environment?: string; versionId?: number } = {},
  ): Promise<Deployment[]> {
    return deploymentHistory(this.store, await this.model(this.store, name), filter);
  }

  /**
   * Records versions mirrored from MLflow (src/registry/import.ts, used by
   * `vigil mlflow import`): each is created, updated or left as it is, all in one
   * transaction with their audit entries.
   */
  importVersions(
    models: readonly ImportedModelInput[],
    options: Omit<ImportOptions, "now">,
  ): Promise<ImportResult> {
    return importVersions(this.store, models, { ...options, now: this.now });
  }

  /** Points an alias (champion, challenger, any name) at a version, moving it if it exists. */
  async setAlias(name: string, alias: string, ref: string | number, actor: string): Promise<void> {
    checkActor(actor);
    checkAlias(alias);
    await this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      const row = await this.versionRow(tx, model, ref);
      const db = this.db(tx);
      const before = await db
        .selectFrom("registry_aliases")
        .select("version_id")
        .where("model_id", "=", model.id)
        .where("alias", "=", alias)
        .executeTakeFirst();
      if (before) {
        await db
          .updateTable("registry_aliases")
          .set({ version_id: row.version_id, updated_at: this.now() })
          .where("model_id", "=", model.id)
          .where("alias", "=", alias)
          .execute();
      } else {
        await db
          .insertInto("registry_aliases")
          .values({ model_id: model.id, alias, version_id: row.version_id, updated_at: this.now() })
          .execute();
      }
      await tx.appendAudit({
        actor,
        action: "model.alias.set",
        subject: `model:${model.name}/${row.number}`,
        details: { alias },
      });
    });
  }

  /** Removes an alias; the version it pointed at is untouched. */
  async deleteAlias(name: string, alias: string, actor: string): Promise<{ version: number }> {
    checkActor(actor);
    // A number is a version, never an alias; only alias-shaped names can be removed.
    checkAlias(alias);
    return this.store.transaction(async (tx) => {
      const model = await this.model(tx, name);
      // Throws VIGIL_VERSION_NOT_FOUND for an alias that does not exist.
      const row = await this.versionRow(tx, model, alias);
      await this.db(tx)
        .deleteFrom("registry_aliases")
        .where("model_id", "=", model.id)
        .where("alias", "=", alias)
        .execute();
      await tx.appendAudit({
        actor,
        action: "model.alias.delete",
        subject: `model:${model.name}/${row.number}`,
        details: { alias },
      });
      return { version: row.number };
    });
  }
}
