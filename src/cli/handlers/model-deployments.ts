/**
 * `vigil model deploy NAME --env ENV --version V [--canary V --share PERCENT]` and
 * `vigil model deployments NAME [--env ENV] [--history] [--subject ID]`: deployment
 * records, on the embedded store or a server.
 */
import { VigilError } from "../../errors.js";
import {
  type Assignment,
  assign,
  type DeployInput,
  type Deployment,
  Registry,
} from "../../registry/index.js";
import { sanitizeText, textTable } from "../../report/text.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { embeddedActor } from "./embedded-store.js";
import { stringOpt } from "./evaluate.js";
import { closeBackend, openBackend, seg } from "./registry-store.js";

const usage = (message: string) => new VigilError("VIGIL_USAGE", `vigil model ${message}`);

function shareOpt(ctx: CommandContext): number | undefined {
  const text = stringOpt(ctx.options, "share");
  if (text === undefined) return undefined;
  const n = Number(text.replace(/%$/, ""));
  if (text.trim() === "" || !Number.isFinite(n)) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `--share: expected a percentage between 0 and 100, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}

const iso = (ms: number) => new Date(ms).toISOString();

function slot(d: Deployment, which: "champion" | "canary"): string {
  const s = which === "champion" ? d.champion : d.canary;
  return s ? `v${s.version} ${s.share}% (${s.stage})` : "-";
}

function table(list: Deployment[], history: boolean): string {
  if (list.length === 0) return history ? "no deployment revisions" : "no deployments";
  return textTable(
    ["environment", "rev", "champion", "canary", "experiment", "at", "by", "reason"],
    list.map((d) => [
      sanitizeText(d.environment),
      String(d.revision),
      slot(d, "champion"),
      slot(d, "canary"),
      sanitizeText(d.experiment),
      iso(d.at),
      sanitizeText(d.actor),
      sanitizeText(d.reason ?? ""),
    ]),
    ["left", "right"],
  );
}

function warnings(list: Deployment[]): string[] {
  return list.flatMap((d) =>
    d.warnings.map((w) => `warning: ${sanitizeText(d.environment)}: ${sanitizeText(w)}`),
  );
}

function format(ctx: CommandContext, sub: string): "text" | "json" {
  const f = stringOpt(ctx.options, "format") ?? "text";
  if (f !== "text" && f !== "json") {
    throw usage(`${sub}: --format must be text or json, got ${JSON.stringify(f)}`);
  }
  return f;
}

export const modelDeploymentsHandler: CommandHandler = {
  async run(ctx) {
    const [sub, name, extra] = ctx.positionals;
    if (sub !== "deploy" && sub !== "deployments") throw usage(`: unknown subcommand ${sub}`);
    if (!name) throw usage(`${sub}: missing <name>`);
    if (extra !== undefined) {
      throw usage(
        `${sub}: unexpected argument ${JSON.stringify(extra)}${sub === "deploy" ? " (the version goes in --version)" : ""}`,
      );
    }
    const fmt = format(ctx, sub);
    const env = stringOpt(ctx.options, "env");
    const backend = await openBackend(ctx);
    try {
      const base = `api/v1/registry/models/${seg(name)}/deployments`;
      if (sub === "deploy") {
        if (!env) throw usage("deploy: missing --env ENV");
        const version = stringOpt(ctx.options, "version");
        if (!version) throw usage("deploy: missing --version V (the champion)");
        const canary = stringOpt(ctx.options, "canary");
        const share = shareOpt(ctx);
        const experiment = stringOpt(ctx.options, "experiment");
        const reason = stringOpt(ctx.options, "reason");
        const body = {
          version,
          ...(canary !== undefined ? { canary } : {}),
          ...(share !== undefined ? { share } : {}),
          ...(experiment !== undefined ? { experiment } : {}),
          ...(reason !== undefined ? { reason } : {}),
        };
        let d: Deployment;
        if (backend.kind === "server") {
          if (stringOpt(ctx.options, "actor") !== undefined) {
            throw usage("deploy: --actor comes from the API token (VIGIL_TOKEN) with --server");
          }
          d = await backend.client.request<Deployment>("PUT", `${base}/${seg(env)}`, {
            json: body,
          });
        } else {
          const input: DeployInput = {
            environment: env,
            ...body,
            actor: embeddedActor(ctx, "model deploy"),
          };
          d = await new Registry(backend.store).deploy(name, input);
        }
        const text = `${sanitizeText(d.model)} ${sanitizeText(d.environment)} revision ${d.revision}: champion ${slot(d, "champion")}${
          d.canary ? `, canary ${slot(d, "canary")}, experiment ${sanitizeText(d.experiment)}` : ""
        }`;
        ctx.io.stdout.write(
          fmt === "json"
            ? `${JSON.stringify(d, null, 2)}\n`
            : `${[text, ...warnings([d])].join("\n")}\n`,
        );
        return 0;
      }

      const subject = stringOpt(ctx.options, "subject");
      if (subject !== undefined) {
        if (!env) throw usage("deployments: --subject needs --env ENV");
        let a: Assignment & { revision: number; environment: string };
        if (backend.kind === "server") {
          a = await backend.client.request("GET", `${base}/${seg(env)}/assign`, {
            query: { subject },
          });
        } else {
          const d = await new Registry(backend.store).deployment(name, env);
          a = { environment: d.environment, revision: d.revision, ...assign(subject, d) };
        }
        ctx.io.stdout.write(
          fmt === "json"
            ? `${JSON.stringify(a, null, 2)}\n`
            : `${sanitizeText(a.subject)} -> v${a.version} (${a.role}) in ${sanitizeText(a.environment)} revision ${a.revision}, experiment ${sanitizeText(a.experiment)}, bucket ${a.bucket.toFixed(6)}\n`,
        );
        return 0;
      }

      const history = ctx.options.history === true;
      let current: Deployment[];
      let revisions: Deployment[] | undefined;
      if (backend.kind === "server") {
        const r = await backend.client.request<{
          deployments: Deployment[];
          history?: Deployment[];
        }>("GET", base, { query: { history: history ? "true" : undefined, env } });
        current = r.deployments;
        revisions = r.history;
      } else {
        const reg = new Registry(backend.store);
        current = await reg.deployments(name);
        if (env !== undefined) current = current.filter((d) => d.environment === env);
        if (history) {
          revisions = await reg.deploymentHistory(
            name,
            env === undefined ? {} : { environment: env },
          );
        }
      }
      if (fmt === "json") {
        ctx.io.stdout.write(
          `${JSON.stringify(history ? { deployments: current, history: revisions ?? [] } : current, null, 2)}\n`,
        );
      } else {
        const list = history ? (revisions ?? []) : current;
        ctx.io.stdout.write(`${[table(list, history), ...warnings(current)].join("\n")}\n`);
      }
      return 0;
    } finally {
      await closeBackend(backend);
    }
  },
};
