import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { resolve } from "node:path";
import {
  type AuditAnchor,
  type AuditFilter,
  auditEntryToJsonl,
  createAnchor,
  exportAuditJsonl,
  formatAnchor,
  parseAnchor,
  parseAnchorHash,
  type VerifyResult,
  verifyAuditLog,
} from "../../auditlog/index.js";
import { VigilError } from "../../errors.js";
import { writeReport } from "../../report/output.js";
import type { AuditEntry, AuditHead, Store } from "../../store/index.js";
import type { CommandContext, CommandHandler } from "../definition.js";
import { ServerClient, serverTarget } from "../server-client.js";
import { openDb } from "./embedded-store.js";
import { stringOpt } from "./evaluate.js";

const SUBCOMMANDS = ["verify", "anchor", "export"] as const;

/**
 * --db, then VIGIL_DATABASE_URL, then ./.vigil/vigil.db, with SQLite paths resolved from the
 * command's cwd. A missing SQLite file is an error: these commands read an existing log, and
 * opening would create an empty database that verifies as intact.
 */
function openLog(ctx: CommandContext): Promise<Store> {
  return openDb(ctx, { mustExist: true });
}

function format(ctx: CommandContext, sub: string, allowed: readonly string[]): string {
  const f = stringOpt(ctx.options, "format") ?? allowed[0]!;
  if (!allowed.includes(f)) {
    throw new VigilError(
      "VIGIL_USAGE",
      `vigil auditlog ${sub}: --format must be one of ${allowed.join(", ")}, got ${JSON.stringify(f)}`,
    );
  }
  return f;
}

/** A time bound: epoch milliseconds or an ISO 8601 date-time. */
function timeOpt(ctx: CommandContext, name: string): number | undefined {
  const text = stringOpt(ctx.options, name);
  if (text === undefined) return undefined;
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms)) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `--${name}: expected an ISO 8601 date-time or epoch milliseconds, got ${JSON.stringify(text)}`,
    );
  }
  return ms;
}

function readAnchor(ctx: CommandContext): AuditHead | undefined {
  const file = stringOpt(ctx.options, "anchor");
  const hash = stringOpt(ctx.options, "anchor-hash");
  if (file !== undefined && hash !== undefined) {
    throw new VigilError(
      "VIGIL_USAGE",
      "vigil auditlog verify: give --anchor or --anchor-hash, not both",
    );
  }
  if (hash !== undefined) return parseAnchorHash(hash);
  if (file === undefined) return undefined;
  const path = resolve(ctx.io.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code =
      (err as NodeJS.ErrnoException).code === "ENOENT"
        ? "VIGIL_FILE_NOT_FOUND"
        : "VIGIL_FILE_UNREADABLE";
    throw new VigilError(code, `cannot read anchor ${file}: ${(err as Error).message}`);
  }
  return parseAnchor(text, file);
}

function renderVerify(r: VerifyResult): string {
  const anchored = r.anchor ? `, anchor ${formatAnchor(r.anchor)} found` : "";
  if (r.intact)
    return `audit log intact: ${r.entries} entries, head ${formatAnchor(r.head)}${anchored}\n`;
  const b = r.firstBreak!;
  return [
    `audit log BROKEN at sequence ${b.sequence} (${b.kind})`,
    `  ${b.message}`,
    `  entries 1 to ${r.head.sequence} verify; the first broken link is entry ${b.sequence}`,
    "",
  ].join("\n");
}

async function withStore<T>(ctx: CommandContext, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openLog(ctx);
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Export lines to stdout, or to --out with the count on stderr. */
async function writeExport(
  ctx: CommandContext,
  out: string | undefined,
  produce: (write: (chunk: string) => void) => Promise<number>,
): Promise<number> {
  if (out === undefined) {
    await produce((c) => ctx.io.stdout.write(c));
    return 0;
  }
  let fd: number;
  try {
    fd = openSync(resolve(ctx.io.cwd, out), "w");
  } catch (err) {
    throw new VigilError(
      "VIGIL_OUTPUT_UNWRITABLE",
      `cannot write ${out}: ${(err as Error).message}`,
    );
  }
  try {
    const n = await produce((c) => writeSync(fd, c));
    ctx.io.stderr.write(`exported ${n} audit entries to ${out}\n`);
  } finally {
    closeSync(fd);
  }
  return 0;
}

/**
 * The same three operations on a Vigil server (`--server`, VIGIL_TOKEN). Verification runs
 * on the server, against its database; the export pages through `GET /api/v1/audit` and
 * writes the lines this client formats from the entries, byte for byte what the embedded
 * export writes, so an export verifies offline with `verifyEntries` either way.
 */
function remoteLog(http: ServerClient) {
  return {
    verify: (anchor: AuditHead | undefined) =>
      http.request<VerifyResult>("GET", "api/v1/audit/verify", {
        query: { anchor: anchor ? formatAnchor(anchor) : undefined },
      }),
    anchor: () => http.request<AuditAnchor>("GET", "api/v1/audit/anchor"),
    async export(filter: AuditFilter, write: (chunk: string) => void): Promise<number> {
      let after = 0;
      let n = 0;
      for (;;) {
        const page = await http.request<{ entries: AuditEntry[]; next: number | null }>(
          "GET",
          "api/v1/audit",
          { query: { ...filter, after } },
        );
        if (page.entries.length > 0) {
          write(page.entries.map((e) => `${auditEntryToJsonl(e)}\n`).join(""));
          n += page.entries.length;
        }
        // A server that repeats a page must not make this loop forever.
        if (page.next === null || page.next <= after) return n;
        after = page.next;
      }
    },
  };
}

export const auditlogHandler: CommandHandler = {
  async run(ctx) {
    const sub = ctx.positionals[0] ?? "";
    if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) {
      throw new VigilError(
        "VIGIL_USAGE",
        `vigil auditlog: unknown subcommand ${JSON.stringify(sub)}; use ${SUBCOMMANDS.join(", ")}`,
      );
    }
    const out = stringOpt(ctx.options, "out");
    const target = serverTarget(ctx);
    const remote = target ? remoteLog(new ServerClient(target)) : undefined;
    if (sub === "verify") {
      const f = format(ctx, sub, ["text", "json"]);
      const anchor = readAnchor(ctx);
      const r = remote
        ? await remote.verify(anchor)
        : await withStore(ctx, (s) => verifyAuditLog(s, anchor ? { anchor } : {}));
      writeReport(f === "json" ? `${JSON.stringify(r, null, 2)}\n` : renderVerify(r), out, ctx.io);
      return r.intact ? 0 : 1;
    }
    if (sub === "anchor") {
      const f = format(ctx, sub, ["json", "text"]);
      const a = remote ? await remote.anchor() : await withStore(ctx, (s) => createAnchor(s));
      writeReport(f === "json" ? `${JSON.stringify(a)}\n` : `${formatAnchor(a)}\n`, out, ctx.io);
      // Printed on stderr too so a CI log keeps it even when stdout goes to a file.
      if (out !== undefined)
        ctx.io.stderr.write(`audit log anchor ${formatAnchor(a)} written to ${out}\n`);
      return 0;
    }
    format(ctx, sub, ["jsonl"]);
    const filter: AuditFilter = {};
    for (const k of ["subject", "actor"] as const) {
      const v = stringOpt(ctx.options, k);
      if (v !== undefined) filter[k] = v;
    }
    for (const k of ["from", "to"] as const) {
      const v = timeOpt(ctx, k);
      if (v !== undefined) filter[k] = v;
    }
    if (remote) return writeExport(ctx, out, (w) => remote.export(filter, w));
    return withStore(ctx, (store) =>
      writeExport(ctx, out, (w) => exportAuditJsonl(store, filter, w)),
    );
  },
};
