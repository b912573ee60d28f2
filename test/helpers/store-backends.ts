/**
 * The two store backends every store-backed suite runs against (test/store, test/auditlog,
 * test/registry): SQLite in a temp file, and PostgreSQL at VIGIL_TEST_PG_URL (default
 * postgres://127.0.0.1:5432/test) in a fresh schema per store, so parallel runs never
 * collide. Outside CI an unreachable PostgreSQL is skipped with a printed reason; with
 * CI=true a failing test is added instead, so CI cannot pass without PostgreSQL.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, it } from "vitest";
import { type OpenStoreOptions, openStore, type Store } from "../../src/store/index.js";

export const PG_URL = process.env.VIGIL_TEST_PG_URL || "postgres://127.0.0.1:5432/test";
/** The URL with the user libpq would pick (the OS user) when it names none. */
const PG_CLIENT_URL = (() => {
  const u = new URL(PG_URL);
  if (!u.username) u.username = process.env.PGUSER || userInfo().username;
  return u.toString();
})();
const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** Why PostgreSQL cannot be used, or undefined when it answers. */
async function pgReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_CLIENT_URL, connectionTimeoutMillis: 2000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export interface TestBackend {
  name: "sqlite" | "postgres";
  /** A fresh, empty database: for openStore, and the same as one `--db` URL for the CLI. */
  fresh(): { url: string; options: OpenStoreOptions; cliUrl: string };
  open(): Promise<{ store: Store; cliUrl: string }>;
  /**
   * Deletes every database made so far (close their stores first). The backend stays
   * usable, so suites may call this after each test or once at the end.
   */
  cleanup(): Promise<void>;
}

export interface BackendOptions {
  /** PostgreSQL pool size per store. */
  poolSize?: number;
}

function withOpen(b: Omit<TestBackend, "open">): TestBackend {
  return {
    ...b,
    open: async () => {
      const f = b.fresh();
      return { store: await openStore(f.url, f.options), cliUrl: f.cliUrl };
    },
  };
}

/** `label` names the temp directory (vigil-<label>-*). */
export function sqliteBackend(label: string): TestBackend {
  let root: string | undefined;
  let n = 0;
  return withOpen({
    name: "sqlite",
    fresh: () => {
      // openStore creates the database's directory; only the root is made here.
      root ??= mkdtempSync(join(tmpdir(), `vigil-${label}-`));
      const url = join(root, `db${++n}`, "vigil.db");
      return { url, options: {}, cliUrl: url };
    },
    cleanup: async () => {
      if (root) rmSync(root, { recursive: true, force: true });
      root = undefined;
    },
  });
}

/** `label` prefixes the schema names (vigil_<label>_<pid>_<random>_<n>). */
export function postgresBackend(label: string, opts: BackendOptions = {}): TestBackend {
  const run = `vigil_${label.replace(/\W/g, "_")}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let made = 0;
  const schemas: string[] = [];
  return withOpen({
    name: "postgres",
    fresh: () => {
      const schema = `${run}_${made++}`;
      schemas.push(schema);
      const cli = new URL(PG_URL);
      cli.searchParams.set("schema", schema);
      return {
        url: PG_URL,
        options: { schema, poolSize: opts.poolSize ?? 2 },
        cliUrl: cli.toString(),
      };
    },
    cleanup: async () => {
      if (schemas.length === 0) return;
      const client = new pg.Client({ connectionString: PG_CLIENT_URL });
      await client.connect();
      try {
        for (const s of schemas.splice(0)) {
          await client.query(`drop schema if exists "${s}" cascade`);
        }
      } finally {
        await client.end();
      }
    },
  });
}

/**
 * The backends for one test file: SQLite always, PostgreSQL when reachable. Call at the top
 * level of the file, since it may register the CI failing test. `suite` labels the printed
 * skip reason, the temp directory and the schema names.
 */
export async function storeBackends(
  suite: string,
  opts: BackendOptions = {},
): Promise<{ backends: TestBackend[]; pgProblem: string | undefined }> {
  const pgProblem = await pgReachable();
  const backends = [sqliteBackend(suite)];
  if (!pgProblem) backends.push(postgresBackend(suite, opts));
  else if (IN_CI) {
    it("PostgreSQL is reachable (required with CI=true)", () => {
      throw new Error(`PostgreSQL at ${PG_URL} unreachable: ${pgProblem}`);
    });
  } else {
    console.warn(
      `[${suite}] PostgreSQL suite skipped: ${PG_URL} unreachable (${pgProblem}); set VIGIL_TEST_PG_URL or CI=true to require it.`,
    );
  }
  return { backends, pgProblem };
}

/** The stores one `describe` block opens; all are closed, and the databases deleted, after it. */
export interface SuiteStores {
  /** A store on a fresh database of the backend. */
  open(): Promise<Store>;
  /** Also closes these after the block (stores opened otherwise, e.g. two on one database). */
  closeLater(...stores: Store[]): void;
}

/** Call inside `describe`: registers the afterAll that closes the stores and cleans up. */
export function suiteStores(backend: TestBackend): SuiteStores {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const s of stores) await s.close();
    await backend.cleanup();
  });
  return {
    open: async () => {
      const { store } = await backend.open();
      stores.push(store);
      return store;
    },
    closeLater: (...more) => {
      stores.push(...more);
    },
  };
}
