/**
 * `vigil token create|list|revoke` on the embedded store (--db, VIGIL_DATABASE_URL, else
 * ./.vigil/vigil.db). The secret is printed once, by `create`, and nowhere else. A server
 * running on the same database notices a revocation made here within its token cache time
 * (5 s); revoking through the API takes effect at once.
 */
import { VigilError } from "../../errors.js";
import { tokenView } from "../../server/routes/tokens.js";
import { createTokenAudited, revokeTokenAudited } from "../../server/tokens.js";
import { type Store, TOKEN_ROLES, type TokenRecord, type TokenRole } from "../../store/index.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { embeddedActor, openDb } from "./embedded-store.js";
import { listOpt, stringOpt } from "./evaluate.js";

const SUBCOMMANDS = ["create", "list", "revoke"] as const;
type Sub = (typeof SUBCOMMANDS)[number];

function usage(message: string): VigilError {
  return new VigilError("VIGIL_USAGE", `vigil token ${message}`);
}

/** `create` may make the database (tokens before the first serve); the others need it. */
function openTokenDb(ctx: CommandContext, create: boolean): Promise<Store> {
  return openDb(ctx, { mustExist: !create, memory: false });
}

function formatOf(ctx: CommandContext): "text" | "json" {
  const f = stringOpt(ctx.options, "format") ?? "text";
  if (f !== "text" && f !== "json") {
    throw usage(`: --format must be text or json, got ${JSON.stringify(f)}`);
  }
  return f;
}

function time(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function table(tokens: TokenRecord[]): string {
  const rows = [
    ["ID", "NAME", "ROLE", "MODELS", "HASH", "CREATED", "LAST USED", "REVOKED"],
    ...tokens.map((t) => [
      String(t.id),
      t.name,
      t.role,
      t.modelScope === null ? "*" : t.modelScope.join(","),
      t.hashPrefix,
      time(t.createdAt),
      time(t.lastUsedAt),
      time(t.revokedAt),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

async function run(ctx: CommandContext, sub: Sub, store: Store): Promise<number> {
  const format = formatOf(ctx);
  const arg = ctx.positionals[1];
  if (sub === "list") {
    if (arg !== undefined) throw usage(`list: unexpected argument ${JSON.stringify(arg)}`);
    const tokens = await store.listTokens();
    ctx.io.stdout.write(
      format === "json"
        ? `${JSON.stringify({ tokens: tokens.map(tokenView) }, null, 2)}\n`
        : tokens.length === 0
          ? "no tokens\n"
          : table(tokens),
    );
    return 0;
  }
  if (sub === "create") {
    if (arg === undefined) throw usage("create: missing <name>");
    const role = stringOpt(ctx.options, "role");
    if (role === undefined) throw usage(`create: --role is required (${TOKEN_ROLES.join(", ")})`);
    if (!TOKEN_ROLES.includes(role as TokenRole)) {
      throw usage(
        `create: --role must be one of ${TOKEN_ROLES.join(", ")}, got ${JSON.stringify(role)}`,
      );
    }
    const models = listOpt(ctx.options, "models");
    const created = await createTokenAudited(
      store,
      { name: arg, role: role as TokenRole, modelScope: models.length > 0 ? models : null },
      embeddedActor(ctx, "token"),
    );
    if (format === "json") {
      ctx.io.stdout.write(
        `${JSON.stringify({ token: created.token, record: tokenView(created.record) }, null, 2)}\n`,
      );
    } else {
      const r = created.record;
      ctx.io.stdout.write(`${created.token}\n`);
      ctx.io.stderr.write(
        `created token ${r.id} ${JSON.stringify(r.name)} (role ${r.role}${
          r.modelScope ? `, models ${r.modelScope.join(",")}` : ""
        }); the token above is shown only now\n`,
      );
    }
    return 0;
  }
  if (arg === undefined || !/^[1-9]\d{0,15}$/.test(arg)) {
    throw usage(
      `revoke: expected a token id (see \`vigil token list\`), got ${JSON.stringify(arg ?? "")}`,
    );
  }
  const { record, revoked } = await revokeTokenAudited(
    store,
    Number(arg),
    embeddedActor(ctx, "token"),
  );
  if (format === "json") {
    ctx.io.stdout.write(`${JSON.stringify({ record: tokenView(record), revoked }, null, 2)}\n`);
  } else {
    ctx.io.stdout.write(
      revoked
        ? `revoked token ${record.id} ${JSON.stringify(record.name)}\n`
        : `token ${record.id} ${JSON.stringify(record.name)} was already revoked at ${time(record.revokedAt)}\n`,
    );
  }
  return 0;
}

export const tokenHandler: CommandHandler = {
  async run(ctx) {
    const sub = ctx.positionals[0] ?? "";
    if (!SUBCOMMANDS.includes(sub as Sub)) {
      throw usage(
        `: unknown subcommand ${JSON.stringify(sub)}; expected ${SUBCOMMANDS.join(", ")}`,
      );
    }
    const store = await openTokenDb(ctx, sub === "create");
    try {
      return await run(ctx, sub as Sub, store);
    } finally {
      await store.close();
    }
  },
};
