/**
 * `vigil mlflow import`: MLflow's registry into Vigil's, on the embedded store (--db /
 * VIGIL_DATABASE_URL, else ./.vigil/vigil.db, created on first use). MLflow credentials
 * come from MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD and are never
 * printed. See docs/mlflow.md.
 */
import { VigilError } from "../../errors.js";
import {
  IMPORT_ACTOR,
  importFromMlflow,
  MAX_PAGE_SIZE,
  type MlflowImportReport,
} from "../../mlflow/index.js";
import { MODEL_TASKS, type ModelTask } from "../../store/index.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { openDb } from "./embedded-store.js";
import { stringOpt } from "./evaluate.js";

export const TRACKING_URI_ENV = "MLFLOW_TRACKING_URI";

function usage(message: string): VigilError {
  return new VigilError("VIGIL_USAGE", `vigil mlflow ${message}`);
}

function intOpt(ctx: CommandContext, name: string, min: number, max: number): number {
  const text = stringOpt(ctx.options, name) ?? "";
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw usage(
      `import: --${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

export function renderImportText(r: MlflowImportReport): string {
  const lines = [
    `MLflow ${r.trackingUri}${r.model ? ` (model ${r.model})` : ""} -> Vigil registry${
      r.dryRun ? " (dry run: nothing was written)" : ""
    }`,
  ];
  for (const m of r.models) {
    lines.push(
      `${m.name}: ${m.mlflowVersions} MLflow version(s)${m.modelCreated ? ", new Vigil model" : ""}`,
    );
    const rows = [
      ...m.versions.map((v) => ({
        n: v.version,
        text: `${v.action.padEnd(9)}  ${v.stage.padEnd(10)}${
          v.aliases.length ? ` [${v.aliases.join(", ")}]` : ""
        }${v.changes.length && v.action === "updated" ? `  ${v.changes.join("; ")}` : ""}`,
        notes: v.notes,
      })),
      ...m.skipped.map((s) => ({
        n: s.version,
        text: `${"skipped".padEnd(9)}  ${s.reason}`,
        notes: [],
      })),
    ].sort((a, b) => a.n - b.n);
    for (const row of rows) {
      lines.push(`  v${String(row.n).padEnd(4)} ${row.text}`);
      for (const note of row.notes) lines.push(`         note: ${note}`);
    }
    for (const w of m.warnings) lines.push(`  warning: ${w}`);
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  lines.push(
    `created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}, skipped ${r.skipped}; ${
      r.auditEntries
    } audit entr${r.auditEntries === 1 ? "y" : "ies"}; ${r.requests} MLflow request(s)`,
  );
  return `${lines.map((l) => l.trimEnd()).join("\n")}\n`;
}

export const mlflowHandler: CommandHandler = {
  async run(ctx) {
    const [sub] = ctx.positionals;
    if (sub !== "import") throw usage(`: unknown subcommand ${JSON.stringify(sub)} (import)`);
    const uri = stringOpt(ctx.options, "uri") ?? ctx.io.env[TRACKING_URI_ENV];
    if (!uri) throw usage(`import: missing --uri URL (or set ${TRACKING_URI_ENV})`);
    const format = stringOpt(ctx.options, "format") ?? "text";
    if (format !== "text" && format !== "json") {
      throw usage(`import: --format must be text or json, got ${JSON.stringify(format)}`);
    }
    const task = stringOpt(ctx.options, "task");
    if (task !== undefined && !MODEL_TASKS.includes(task as ModelTask)) {
      throw usage(
        `import: --task must be one of ${MODEL_TASKS.join(", ")}, got ${JSON.stringify(task)}`,
      );
    }
    const pageSize = intOpt(ctx, "page-size", 1, MAX_PAGE_SIZE);
    const timeout = intOpt(ctx, "timeout", 1, 3600);
    const model = stringOpt(ctx.options, "model");
    const actor = stringOpt(ctx.options, "actor") ?? ctx.io.env.VIGIL_ACTOR ?? IMPORT_ACTOR;
    const store = await openDb(ctx);
    try {
      const report = await importFromMlflow(store, {
        uri,
        actor,
        env: ctx.io.env,
        pageSize,
        timeoutMs: timeout * 1000,
        ...(model !== undefined ? { model } : {}),
        ...(task !== undefined ? { task: task as ModelTask } : {}),
        ...(ctx.options["dry-run"] === true ? { dryRun: true } : {}),
      });
      ctx.io.stdout.write(
        format === "json" ? `${JSON.stringify(report, null, 2)}\n` : renderImportText(report),
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
