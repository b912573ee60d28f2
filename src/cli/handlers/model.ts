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
import { VigilError } from "../../errors.js";
import {
  captureLineage,
  type RegisteredVersion,
  Registry,
  readGateEvidence,
  STAGES,
  type Stage,
} from "../../registry/index.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { type RegistryApi, RemoteRegistry } from "../remote-registry.js";
import { ServerClient, serverTarget } from "../server-client.js";
import { embeddedActor, openDb } from "./embedded-store.js";
import { listOpt, stringOpt } from "./evaluate.js";

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
          const v = await reg.register({
            name: name!,
            actor: actor(),
            lineage: lineage as unknown as Parameters<Registry["register"]>[0]["lineage"],
            tags: tags(ctx),
            ...(task ? { task: task as "binary" } : {}),
          });
          result = v;
          text = `registered ${v.model} v${v.version} (artifact sha256 ${lineage.artifact.sha256})`;
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
