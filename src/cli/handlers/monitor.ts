/**
 * `vigil monitor configure`: a model's monitoring configuration from a YAML file, stored on
 * the embedded store (--db, VIGIL_DATABASE_URL, ./.vigil/vigil.db) or sent to a server
 * (--server / VIGIL_SERVER with VIGIL_TOKEN) as PUT /api/v1/models/:model. The file:
 *
 *   model: churn              # optional, --model wins
 *   task: binary              # binary | multiclass | regression
 *   window: 5m                # optional, --window wins
 *   features: { age: numeric, plan: categorical }
 *   classes: ["0", "1"]       # optional
 *   positiveClass: "1"        # optional (binary)
 *   settings: { ingest: {...}, drift: {...}, ... }
 */
import { resolve } from "node:path";
import { isVigilError, VigilError } from "../../errors.js";
import { type ConfigureInput, configureModel, type ModelView } from "../../monitor/models.js";
import { YamlSource } from "../../quality/yaml-source.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { ServerClient, serverTarget } from "../server-client.js";
import { embeddedActor, openDb } from "./embedded-store.js";
import { stringOpt } from "./evaluate.js";

export function usage(command: string, message: string): VigilError {
  return new VigilError("VIGIL_USAGE", `vigil ${command}${message}`);
}

export function formatOpt(ctx: CommandContext, command: string): "text" | "json" {
  const format = stringOpt(ctx.options, "format") ?? "text";
  if (format !== "text" && format !== "json") {
    throw usage(command, `: --format must be text or json, got ${JSON.stringify(format)}`);
  }
  return format;
}

const FILE_KEYS = [
  "model",
  "task",
  "window",
  "windowSeconds",
  "features",
  "classes",
  "positiveClass",
  "settings",
];

/** The YAML path of an API field ("schema.features.age" -> features.age). */
function yamlPath(field: string): (string | number)[] {
  const parts = field.split(".").filter((p) => p !== "");
  if (parts[0] === "schema") parts.shift();
  return parts.flatMap((p) => {
    const m = /^(.*)\[(\d+)\]$/.exec(p);
    return m ? [m[1] as string, Number(m[2])] : [p];
  });
}

/** Reads the configuration file into the API's body (and the model name it may carry). */
export function readMonitorFile(path: string): {
  source: YamlSource;
  model?: string;
  input: ConfigureInput;
} {
  const source = YamlSource.fromFile(path, "VIGIL_INVALID_MONITOR_CONFIG");
  const doc = source.value();
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    throw source.error([], "the file must be a YAML mapping with task and features");
  }
  const o = doc as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!FILE_KEYS.includes(key)) {
      throw source.error([key], `unknown key "${key}"; the file has ${FILE_KEYS.join(", ")}`, true);
    }
  }
  if (o.model !== undefined && typeof o.model !== "string")
    throw source.error(["model"], "model must be a name");
  const input: ConfigureInput = {};
  if (o.task !== undefined) input.task = o.task;
  if (o.window !== undefined) input.window = o.window;
  if (o.windowSeconds !== undefined) input.windowSeconds = o.windowSeconds;
  if (o.features !== undefined || o.classes !== undefined || o.positiveClass !== undefined) {
    input.schema = {
      features: o.features,
      ...(o.classes !== undefined ? { classes: o.classes } : {}),
      ...(o.positiveClass !== undefined ? { positiveClass: o.positiveClass } : {}),
    };
  }
  if (o.settings !== undefined) input.settings = o.settings;
  return { source, ...(typeof o.model === "string" ? { model: o.model } : {}), input };
}

function describeModel(m: ModelView, created: boolean): string {
  const features = Object.entries(m.schema?.features ?? {});
  const numeric = features.filter(([, k]) => k === "numeric").length;
  return `${created ? "created" : "configured"} ${m.name}: ${m.task}, ${features.length} feature(s) (${numeric} numeric, ${
    features.length - numeric
  } categorical), window ${m.windowSeconds} s`;
}

export const monitorHandler: CommandHandler = {
  async run(ctx) {
    const [sub] = ctx.positionals;
    if (sub !== "configure") {
      throw usage("monitor", `: unknown subcommand ${JSON.stringify(sub)} (configure)`);
    }
    const format = formatOpt(ctx, "monitor configure");
    const file = stringOpt(ctx.options, "schema");
    if (!file) throw usage("monitor configure", ": missing --schema FILE");
    const { source, model: fileModel, input } = readMonitorFile(resolve(ctx.io.cwd, file));
    const model = stringOpt(ctx.options, "model") ?? fileModel;
    if (!model) throw usage("monitor configure", ": missing --model NAME (or model: in the file)");
    const window = stringOpt(ctx.options, "window");
    if (window !== undefined) {
      delete input.windowSeconds;
      input.window = /^\d+$/.test(window) ? Number(window) : window;
    }
    const target = serverTarget(ctx);
    let view: ModelView;
    let created: boolean;
    try {
      if (target) {
        if (stringOpt(ctx.options, "actor") !== undefined) {
          throw usage(
            "monitor configure",
            ": --actor comes from the API token (VIGIL_TOKEN) with --server",
          );
        }
        const client = new ServerClient(target);
        const before = await client
          .request<ModelView>("GET", `api/v1/models/${encodeURIComponent(model)}`)
          .then(
            () => true,
            (err: unknown) => {
              if (isVigilError(err) && err.code === "VIGIL_MODEL_NOT_FOUND") return false;
              throw err;
            },
          );
        view = await client.request<ModelView>(
          "PUT",
          `api/v1/models/${encodeURIComponent(model)}`,
          {
            json: input,
          },
        );
        created = !before;
      } else {
        const store = await openDb(ctx);
        try {
          const out = await configureModel(
            store,
            model,
            input,
            embeddedActor(ctx, "monitor configure"),
          );
          view = out.model;
          created = out.created;
        } finally {
          await store.close();
        }
      }
    } catch (err) {
      // Point a field error at its line in the file.
      const field = isVigilError(err) ? err.details[0]?.field : undefined;
      if (isVigilError(err) && err.code === "VIGIL_INVALID_MONITOR_CONFIG" && field) {
        const path = yamlPath(field);
        const line = source.line(path);
        if (line !== undefined) {
          throw new VigilError(err.code, `${file}:${line}: ${err.message}`, [
            { ...err.details[0]!, line },
          ]);
        }
      }
      throw err;
    }
    ctx.io.stdout.write(
      format === "json"
        ? `${JSON.stringify(view, null, 2)}\n`
        : `${describeModel(view, created)}\n`,
    );
    return 0;
  },
};
