/**
 * `vigil model <subcommand>`: the registry on the embedded store (--db / VIGIL_DATABASE_URL,
 * else ./.vigil/vigil.db, created on first use), or on a Vigil server (--server URL /
 * VIGIL_SERVER, token in VIGIL_TOKEN). Embedded, the actor is --actor, else VIGIL_ACTOR,
 * else the operating-system user; on a server it is the token's name, and an approval's
 * role the token's role. Lineage is captured here in both modes: a server cannot see the
 * files.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isVigilError, VigilError } from "../../errors.js";
import { monitorConfig } from "../../monitor/config.js";
import { type BuiltReference, buildReference, storeReference } from "../../monitor/reference.js";
import {
  captureLineage,
  type RegisteredVersion,
  Registry,
  readGateEvidence,
  STAGES,
  type Stage,
} from "../../registry/index.js";
import { fileName, profileLine, readLineage } from "../../registry/lineage-view.js";
import type { Store } from "../../store/index.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { type RegistryApi, RemoteRegistry } from "../remote-registry.js";
import { ServerClient, type ServerTarget, serverTarget } from "../server-client.js";
import { embeddedActor, openDb } from "./embedded-store.js";
import { listOpt, stringOpt } from "./evaluate.js";
import { uploadReferenceToServer } from "./reference.js";

export const MODEL_SUBCOMMANDS = [
  "register",
  "promote",
  "approve",
  "reject",
  "rollback",
  "archive",
  "list",
  "show",
  "policy",
  "alias",
] as const;
type Sub = (typeof MODEL_SUBCOMMANDS)[number];

function usage(message: string): VigilError {
  return new VigilError("VIGIL_USAGE", `vigil model ${message}`);
}

function tags(ctx: CommandContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of listOpt(ctx.options, "tag")) {
    const i = t.indexOf("=");
    if (i <= 0) throw usage(`register: --tag must be key=value, got ${JSON.stringify(t)}`);
    out[t.slice(0, i)] = t.slice(i + 1);
  }
  return out;
}

function stageOpt(ctx: CommandContext): Stage | undefined {
  const to = stringOpt(ctx.options, "to");
  if (to !== undefined && !STAGES.includes(to as Stage)) {
    throw usage(`: --to must be one of ${STAGES.join(", ")}, got ${JSON.stringify(to)}`);
  }
  return to as Stage | undefined;
}

function versionLine(v: RegisteredVersion): string {
  const aliases = v.aliases.length ? ` [${v.aliases.join(", ")}]` : "";
  return `${v.model} v${v.version}  ${v.stage}${aliases}  registered by ${v.registeredBy} at ${new Date(
    v.createdAt,
  ).toISOString()}`;
}

export const modelHandler: CommandHandler = {
  async run(ctx) {
    const [subText, name, version] = ctx.positionals;
    // Model cards and deployment records (issue 6 section 4) have their own handlers.
    if (subText === "card") return (await import("./model-card.js")).modelCardHandler.run(ctx);
    if (subText === "deploy" || subText === "deployments") {
      return (await import("./model-deployments.js")).modelDeploymentsHandler.run(ctx);
    }
    const sub = subText as Sub;
    if (!MODEL_SUBCOMMANDS.includes(sub)) {
      throw usage(
        `: unknown subcommand ${JSON.stringify(subText)} (${[...MODEL_SUBCOMMANDS, "card", "deploy", "deployments"].join(", ")})`,
      );
    }
    const format = stringOpt(ctx.options, "format") ?? "text";
    if (format !== "text" && format !== "json") {
      throw usage(`${sub}: --format must be text or json, got ${JSON.stringify(format)}`);
    }
    const needName = sub !== "list";
    const deleteAlias = sub === "alias" && ctx.options.delete === true;
    const needVersion =
      ["promote", "approve", "reject", "archive"].includes(sub) ||
      (sub === "alias" && !deleteAlias);
    if (needName && !name) throw usage(`${sub}: missing <name>`);
    if (needVersion && !version) throw usage(`${sub}: missing <version> (number or alias)`);
    const file = (o: string) => {
      const v = stringOpt(ctx.options, o);
      return v === undefined ? undefined : resolve(ctx.io.cwd, v);
    };
    const reason = stringOpt(ctx.options, "reason");
    const target = serverTarget(ctx);
    if (target) {
      // On a server the token says who acts and in which role; a flag claiming otherwise
      // would be ignored, so it is refused instead.
      for (const flag of ["actor", "role"]) {
        if (stringOpt(ctx.options, flag) !== undefined) {
          throw usage(`${sub}: --${flag} comes from the API token (VIGIL_TOKEN) with --server`);
        }
      }
    }
    const store = target ? undefined : await openDb(ctx);
    try {
      const reg: RegistryApi = store
        ? new Registry(store)
        : new RemoteRegistry(new ServerClient(target!));
      const actor = () => (store ? embeddedActor(ctx, "model") : "");
      let result: unknown;
      let text: string;
      switch (sub) {
        case "register": {
          const artifact = file("artifact");
          if (!artifact) throw usage("register: missing --artifact FILE");
          const lineage = await captureLineage({
            artifact,
            data: listOpt(ctx.options, "data").map((d) => resolve(ctx.io.cwd, d)),
            ...(file("params") ? { params: file("params")! } : {}),
            ...(file("metrics") ? { metrics: file("metrics")! } : {}),
            ...(file("card") ? { card: file("card")! } : {}),
            projectDir: ctx.io.cwd,
          });
          const task = stringOpt(ctx.options, "task");
          const dataArgs = listOpt(ctx.options, "data");
          const refArg = stringOpt(ctx.options, "reference-data") ?? dataArgs[0];
          const ref = store
            ? await prepareReference(store, name!, refArg, ctx)
            : { built: undefined, outcome: undefined };
          const who = actor();
          const built = ref.built;
          const v = await reg.register({
            name: name!,
            actor: who,
            lineage: lineage as unknown as Parameters<Registry["register"]>[0]["lineage"],
            tags: tags(ctx),
            ...(task ? { task: task as "binary" } : {}),
            ...(built
              ? {
                  within: async (tx, { model, number }) => {
                    await storeReference(
                      tx,
                      { modelId: model.id, model: model.name, version: String(number), actor: who },
                      built,
                      "model register",
                    );
                  },
                }
              : {}),
          });
          const outcome =
            ref.outcome ??
            (target && refArg
              ? await referenceOnServer(target, v.model, String(v.version), refArg, ctx)
              : undefined);
          result = outcome ? { ...v, reference: outcome } : v;
          const lines = [
            `registered ${v.model} v${v.version} (artifact sha256 ${lineage.artifact.sha256})`,
          ];
          for (const d of lineage.data) {
            if (d.profile) lines.push(`  ${fileName(d.uri)}: ${profileLine(d.profile)}`);
          }
          if (outcome?.stored) {
            lines.push(`reference profile stored from ${outcome.file} (${outcome.rows} rows)`);
          } else if (outcome?.warning) {
            ctx.io.stderr.write(`warning: ${outcome.warning}\n`);
          }
          text = lines.join("\n");
          break;
        }
        case "promote":
        case "archive": {
          const gatePath = file("gate");
          const to = sub === "archive" ? "archived" : stageOpt(ctx);
          const v = await reg.promote(name!, version!, {
            actor: actor(),
            ...(to ? { to } : {}),
            ...(reason !== undefined ? { reason } : {}),
            ...(gatePath ? { gate: readGateEvidence(gatePath) } : {}),
          });
          result = v;
          text = `${v.model} v${v.version} is now ${v.stage}`;
          break;
        }
        case "approve":
        case "reject": {
          const role = stringOpt(ctx.options, "role");
          const to = stageOpt(ctx);
          const input = {
            actor: actor(),
            ...(role ? { role } : {}),
            ...(to ? { to } : {}),
            ...(reason !== undefined ? { reason } : {}),
          };
          const e =
            sub === "approve"
              ? await reg.approve(name!, version!, input)
              : await reg.reject(name!, version!, input);
          result = e;
          text = `${e.actor} ${sub === "approve" ? "approved" : "rejected"} ${name} v${e.version} for ${e.to}`;
          break;
        }
        case "rollback": {
          const r = await reg.rollback(name!, {
            actor: actor(),
            ...(reason !== undefined ? { reason } : {}),
          });
          result = r;
          text = `${name}: v${r.restored.version} restored to production, v${r.archived} archived`;
          break;
        }
        case "policy": {
          const policyFile = file("policy");
          if (policyFile) {
            const yaml = readPolicy(policyFile);
            const p = await reg.setPolicy(name!, yaml, actor());
            result = p;
            text = `${name}: policy revision ${p.revision} stored (sha256 ${p.sha256})`;
          } else {
            const p = await reg.getPolicy(name!);
            result = p ?? null;
            text = p
              ? `# ${name} policy revision ${p.revision} by ${p.createdBy}\n${p.yaml.trimEnd()}`
              : `${name}: no policy (no gates, no approvals; the registrant may not approve)`;
          }
          break;
        }
        case "alias": {
          const alias = stringOpt(ctx.options, "alias");
          if (!alias) throw usage("alias: missing --alias NAME");
          if (deleteAlias) {
            if (version) throw usage("alias: --delete takes no <version>");
            const r = await reg.deleteAlias(name!, alias, actor());
            result = { model: name, alias, version: r.version };
            text = `${name}: ${alias} removed (it pointed at v${r.version})`;
            break;
          }
          await reg.setAlias(name!, alias, version!, actor());
          const v = await reg.show(name!, alias);
          result = v;
          text = `${name}: ${alias} -> v${v.version}`;
          break;
        }
        case "list": {
          const models = await reg.list();
          result = models;
          text = models.length
            ? models
                .map(
                  (m) =>
                    `${m.name}  ${m.versions} version(s)  production: ${m.production === null ? "-" : `v${m.production}`}`,
                )
                .join("\n")
            : "no registered models";
          break;
        }
        case "show": {
          if (version) {
            const v = await reg.show(name!, version);
            result = v;
            text = [
              versionLine(v),
              ...v.events.map(
                (e) =>
                  `  ${new Date(e.at).toISOString()} ${e.kind} ${e.from ?? ""}->${e.to ?? ""} by ${e.actor}${
                    e.role ? ` (${e.role})` : ""
                  }${e.reason ? `: ${e.reason}` : ""}`,
              ),
            ].join("\n");
            for (const d of readLineage(v.metadata).data) {
              const rows = d.rows === null ? "" : `, ${d.rows} rows`;
              const prof = d.profile ? `; ${profileLine(d.profile)}` : "";
              text += `\n  data ${fileName(d.uri)}: sha256 ${d.sha256.slice(0, 12)}${rows}${prof}`;
            }
          } else {
            const vs = await reg.versions(name!);
            result = vs;
            text = vs.map(versionLine).join("\n");
          }
          break;
        }
      }
      ctx.io.stdout.write(format === "json" ? `${JSON.stringify(result, null, 2)}\n` : `${text}\n`);
      return 0;
    } finally {
      await store?.close();
    }
  },
};

/** What register did about the version's reference profile (in the JSON result). */
export interface ReferenceOutcome {
  stored: boolean;
  file: string;
  rows?: number;
  /** Why it was not stored, when the user would expect it to be. */
  warning?: string;
  /** Why it was not attempted (no monitoring schema), when nobody asked for it. */
  note?: string;
}

/**
 * Builds the reference profile before the registration's transaction (the slow part, and the
 * part that can fail on a file lacking a feature), so the version and its reference commit
 * together or the version is registered alone with a warning: never half-written.
 */
async function prepareReference(
  store: Store,
  name: string,
  refArg: string | undefined,
  ctx: CommandContext,
): Promise<{ built: BuiltReference | undefined; outcome: ReferenceOutcome | undefined }> {
  if (!refArg) return { built: undefined, outcome: undefined };
  const explicit = stringOpt(ctx.options, "reference-data") !== undefined;
  const model = await store.getModel(name);
  const skipped = (why: string) => ({
    built: undefined,
    outcome: explicit
      ? { stored: false, file: refArg, warning: `reference profile not stored: ${why}` }
      : { stored: false, file: refArg, note: why },
  });
  if (!model) return skipped(`model "${name}" has no monitoring schema yet`);
  let config: ReturnType<typeof monitorConfig>;
  try {
    config = monitorConfig(model);
  } catch (err) {
    if (!isVigilError(err)) throw err;
    return skipped(err.message);
  }
  if (!config) return skipped(`model "${name}" has no monitoring schema yet`);
  try {
    const built = await buildReference(resolve(ctx.io.cwd, refArg), config, { label: refArg });
    return { built, outcome: { stored: true, file: refArg, rows: built.rows } };
  } catch (err) {
    if (!isVigilError(err)) throw err;
    return {
      built: undefined,
      outcome: {
        stored: false,
        file: refArg,
        warning: `reference profile not stored (${err.code}): ${err.message}`,
      },
    };
  }
}

/** With --server the file goes to the version's reference endpoint once it is registered. */
async function referenceOnServer(
  target: ServerTarget,
  model: string,
  version: string,
  refArg: string,
  ctx: CommandContext,
): Promise<ReferenceOutcome> {
  const explicit = stringOpt(ctx.options, "reference-data") !== undefined;
  try {
    // Readable by every role, so a registrant who may not upload references is not warned
    // about a model that has no monitoring schema anyway.
    const view = await new ServerClient(target).request<{ schema?: unknown }>(
      "GET",
      `api/v1/models/${encodeURIComponent(model)}`,
    );
    if (!view?.schema) {
      const why = `model "${model}" has no monitoring schema yet`;
      return explicit
        ? { stored: false, file: refArg, warning: `reference profile not stored: ${why}` }
        : { stored: false, file: refArg, note: why };
    }
    const r = await uploadReferenceToServer(target, model, version, resolve(ctx.io.cwd, refArg));
    return { stored: true, file: refArg, rows: r.rows };
  } catch (err) {
    if (!isVigilError(err)) throw err;
    if (err.code === "VIGIL_INVALID_MONITOR_CONFIG" && !explicit) {
      return { stored: false, file: refArg, note: err.message };
    }
    return {
      stored: false,
      file: refArg,
      warning: `reference profile not stored (${err.code}): ${err.message}`,
    };
  }
}

function readPolicy(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    const code =
      (err as NodeJS.ErrnoException).code === "ENOENT"
        ? "VIGIL_FILE_NOT_FOUND"
        : "VIGIL_FILE_UNREADABLE";
    throw new VigilError(code, `cannot read the policy ${path}: ${(err as Error).message}`);
  }
}
