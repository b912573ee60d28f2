/**
 * openStore: picks the backend from a URL, opens it, brings the schema up to date and
 * returns the Store. No URL (and no VIGIL_DATABASE_URL) means the embedded SQLite file
 * `./.vigil/vigil.db`; `postgres://` or `postgresql://` means PostgreSQL.
 */
import { mkdirSync } from "node:fs";
import { userInfo } from "node:os";
import { dirname, resolve } from "node:path";
import type BetterSqlite3 from "better-sqlite3";
import {
  CompiledQuery,
  type DatabaseConnection,
  type DialectAdapter,
  type Driver,
  Kysely,
  type Migration,
  Migrator,
  PostgresDialect,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  sql,
} from "kysely";
import { invalidArgument, VigilError } from "../errors.js";
import { redactUrl, scrub, translateDbError } from "./db-errors.js";
import { MIGRATION_LOCK_TABLE, MIGRATION_TABLE, migrationsFor } from "./migrations.js";
import { type Backend, Repo } from "./repository.js";
import type { Database } from "./schema.js";
import type { Dialect } from "./types.js";
import { WalCheckpointer } from "./wal-checkpoint.js";
import { WalSync } from "./wal-sync.js";

export const DEFAULT_SQLITE_PATH = "./.vigil/vigil.db";
/** wal_autocheckpoint of the writer when a background thread checkpoints (16 MB of WAL). */
const BACKSTOP_CHECKPOINT_PAGES = 4000;
const SQLITE_CACHE_KIB = 16 * 1024;
export const DATABASE_URL_ENV = "VIGIL_DATABASE_URL";

export interface OpenStoreOptions {
  /** PostgreSQL schema to use (created if missing); also `?schema=` in the URL. */
  schema?: string;
  /** How long a writer waits for the SQLite write lock, in ms (default 5000). */
  busyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** PostgreSQL connect timeout in ms (default 5000). */
  connectTimeoutMs?: number;
  /**
   * SQLite durability of a commit:
   * - "async" (default): the commit is on disk before the store call resolves, so an
   *   acknowledged write survives a power cut, as with "full"; the WAL is synced off the
   *   event loop (src/store/wal-sync.ts), so other requests keep running meanwhile;
   * - "full": SQLite's own `synchronous = FULL`, the sync inside COMMIT, blocking the
   *   process for it;
   * - "normal": `synchronous = NORMAL` without a sync per commit: survives a process
   *   crash (WAL mode), not a power cut.
   */
  sqliteSynchronous?: "async" | "full" | "normal";
  /**
   * SQLite file databases: run WAL checkpoints on a background thread instead of inside
   * the commit that crosses the threshold (src/store/wal-checkpoint.ts). For long-running
   * writers (`vigil serve`); default false.
   */
  sqliteBackgroundCheckpoints?: boolean;
  /** Extra migrations after the built-in ones (tests of the migration machinery). */
  extraMigrations?: Record<string, Migration>;
}

/** The opened store: the repository plus lifecycle. */
export class Store extends Repo {
  /** Where the data lives: the SQLite path, or the PostgreSQL URL with the password masked. */
  readonly location: string;
  /** PostgreSQL schema in use (undefined on SQLite). */
  readonly schema: string | undefined;
  private closed = false;
  private readonly migrations: Record<string, Migration>;

  constructor(
    backend: Backend,
    location: string,
    schema: string | undefined,
    migrations: Record<string, Migration>,
  ) {
    super(backend, backend.db, false);
    this.location = location;
    this.schema = schema;
    this.migrations = migrations;
  }

  /** Applies pending migrations; a no-op when the schema is current. Returns applied names. */
  async migrate(): Promise<string[]> {
    const migrator = this.migrator();
    // Two processes opening a fresh SQLite file at once: the loser sees SQLITE_BUSY from
    // its deferred migration transaction; by the next try the winner has finished.
    for (let attempt = 0; ; attempt++) {
      const { error, results } = await migrator.migrateToLatest();
      if (!error) return (results ?? []).map((r) => r.migrationName);
      const code = (error as { code?: unknown }).code;
      // Kysely's migrator lists the tables of every PostgreSQL schema to find its own; a
      // schema dropped by another connection during that scan fails it with 3F000
      // (invalid_schema_name) or 42P01 (undefined_table). A new scan no longer sees it.
      const transient =
        typeof code === "string" &&
        (code.startsWith("SQLITE_BUSY") || code === "3F000" || code === "42P01");
      if (transient && attempt < 5) {
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
        continue;
      }
      throw this.migrationError(error, results?.find((r) => r.status === "Error")?.migrationName);
    }
  }

  /** Names of the migrations applied to this database, in order (its schema version). */
  async appliedMigrations(): Promise<string[]> {
    try {
      const all = await this.migrator().getMigrations();
      return all.filter((m) => m.executedAt !== undefined).map((m) => m.name);
    } catch (err) {
      throw translateDbError(err, "appliedMigrations", this.backend.secretUrl);
    }
  }

  /** Closes the database (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.backend.beforeClose?.();
    await this.backend.db.destroy();
  }

  private migrationError(error: unknown, name: string | undefined): VigilError {
    const url = this.backend.secretUrl;
    const translated = translateDbError(error, "migration", url);
    if (translated instanceof VigilError && translated.code === "VIGIL_DB_UNAVAILABLE") {
      return translated;
    }
    const raw = error instanceof Error ? error.message : String(error);
    const reason = scrub(raw, url).slice(0, 300);
    if (/corrupted migrations/i.test(raw)) {
      return new VigilError(
        "VIGIL_DB_MIGRATION",
        `The database at ${this.location} has migrations this Vigil does not know (was it written by a newer Vigil?): ${reason}`,
      );
    }
    return new VigilError(
      "VIGIL_DB_MIGRATION",
      `Migration ${name ?? "(unknown)"} failed on ${this.location}: ${reason}`,
    );
  }

  private migrator(): Migrator {
    return new Migrator({
      db: this.backend.db,
      provider: { getMigrations: async () => this.migrations },
      migrationTableName: MIGRATION_TABLE,
      migrationLockTableName: MIGRATION_LOCK_TABLE,
      // Kysely looks for its tables in every schema unless told which one (parallel test
      // schemas would see each other's).
      ...(this.schema === undefined ? {} : { migrationTableSchema: this.schema }),
    });
  }
}

/**
 * Opens the store at `url` (default: VIGIL_DATABASE_URL, else ./.vigil/vigil.db) and applies
 * pending migrations. Accepted: a file path, `sqlite:PATH`, `:memory:`,
 * `postgres://user:pass@host:port/db[?schema=name]`, `postgresql://...`.
 * Throws VIGIL_DB_UNAVAILABLE (cannot open or reach it) or VIGIL_DB_MIGRATION.
 */
export async function openStore(url?: string, options: OpenStoreOptions = {}): Promise<Store> {
  const target = url || process.env[DATABASE_URL_ENV] || DEFAULT_SQLITE_PATH;
  const store = /^postgres(ql)?:\/\//i.test(target)
    ? await openPostgres(target, options)
    : await openSqlite(sqlitePath(target), options);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}

function sqlitePath(target: string): string {
  if (target.startsWith("sqlite:")) {
    const rest = target.slice("sqlite:".length);
    return rest.startsWith("//") ? rest.slice(2) : rest;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    throw invalidArgument(
      "database URL",
      "a SQLite path or postgres://user@host:port/db",
      redactUrl(target),
    );
  }
  return target;
}

function busyTimeout(options: OpenStoreOptions): number {
  const ms = options.busyTimeoutMs ?? 5000;
  if (!Number.isInteger(ms) || ms < 0)
    throw invalidArgument("busyTimeoutMs", "an integer >= 0", ms);
  return ms;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("SQLITE_BUSY");
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it does not, so its
 * migrator would leave a failed migration half-applied; and its BEGIN is deferred, which
 * fails rather than waits when another process writes first. Both fixed here.
 */
class VigilSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class VigilSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }
}

class VigilSqliteDialect extends SqliteDialect {
  private readonly config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.config = config;
  }
  override createAdapter(): DialectAdapter {
    return new VigilSqliteAdapter();
  }
  override createDriver(): Driver {
    return new VigilSqliteDriver(this.config);
  }
}

async function openSqlite(path: string, options: OpenStoreOptions): Promise<Store> {
  const busyMs = busyTimeout(options);
  const memory = path === ":memory:" || path === "";
  let raw: BetterSqlite3.Database;
  let walSync: WalSync | undefined;
  let checkpointer: WalCheckpointer | undefined;
  try {
    if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
    const { default: Sqlite } = await import("better-sqlite3");
    raw = new Sqlite(memory ? ":memory:" : path, { timeout: busyMs });
    const journal = raw.pragma("journal_mode = WAL", { simple: true });
    const mode = options.sqliteSynchronous ?? "async";
    if (mode !== "async" && mode !== "full" && mode !== "normal") {
      throw invalidArgument("sqliteSynchronous", '"async", "full" or "normal"', mode);
    }
    // The WAL sync needs a WAL: a database SQLite could not switch to WAL mode (or an
    // in-memory one) keeps FULL.
    walSync =
      mode === "async" && !memory && String(journal).toLowerCase() === "wal"
        ? new WalSync(resolve(path))
        : undefined;
    raw.pragma(`synchronous = ${mode === "normal" || walSync ? "NORMAL" : "FULL"}`);
    raw.pragma("foreign_keys = ON");
    // 16 MB of page cache instead of SQLite's 2 MB: the unique index on event ids takes
    // inserts at random places, and once it outgrew 2 MB every insert re-read its pages
    // (the ingest benchmark's insert time rose by half as the database passed 1 GB). Not
    // more: a commit after a B-tree split walks the whole page hash table (docs/store.md,
    // "Page cache"), 7-10% of the ingest thread at 64 MB. Pages are allocated as used.
    raw.pragma(`cache_size = ${-SQLITE_CACHE_KIB}`);
    if (options.sqliteBackgroundCheckpoints && !memory && String(journal).toLowerCase() === "wal") {
      checkpointer = new WalCheckpointer(resolve(path));
      // The writer's own checkpoint only as a backstop (SQLite's default is 1000 pages).
      raw.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    }
  } catch (err) {
    if (err instanceof VigilError) throw err;
    const e = err as { code?: unknown; message?: unknown };
    throw new VigilError(
      "VIGIL_DB_UNAVAILABLE",
      `Cannot open the SQLite database ${path}: ${String(e.message ?? err).slice(0, 200)}${
        typeof e.code === "string" ? ` [${e.code}]` : ""
      }`,
    );
  }
  const db = raw;

  // Kysely prepares every query; caching statements by SQL text saves most of that cost
  // for the repeated shapes the repository sends.
  const cache = new Map<string, BetterSqlite3.Statement>();
  const sync = walSync;
  const database: SqliteDatabase = {
    close: () => db.close(),
    prepare(text: string) {
      let stmt = cache.get(text);
      if (!stmt) {
        stmt = db.prepare(text);
        if (cache.size >= 256) cache.delete(cache.keys().next().value!);
        cache.set(text, stmt);
      }
      return stmt as unknown as ReturnType<SqliteDatabase["prepare"]>;
    },
  };

  const backend: Backend = {
    dialect: "sqlite" satisfies Dialect,
    secretUrl: undefined,
    db: new Kysely<Database>({ dialect: new VigilSqliteDialect({ database }) }),
    // The write lock is taken up front (IMMEDIATE) so a transaction never has to upgrade a
    // read lock, which SQLite refuses under contention. Waiting for it happens here, with
    // async sleeps, instead of in SQLite's busy handler, which would block the event loop
    // (and with it any other connection of this process holding the lock).
    async begin() {
      const deadline = Date.now() + busyMs;
      let delay = 1;
      db.exec("PRAGMA busy_timeout = 0");
      try {
        for (;;) {
          try {
            db.exec("BEGIN IMMEDIATE");
            return;
          } catch (err) {
            if (!isBusy(err) || Date.now() >= deadline) throw err;
          }
          await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
          delay = Math.min(delay * 2, 25);
        }
      } finally {
        db.exec(`PRAGMA busy_timeout = ${busyMs}`);
      }
    },
    async commit() {
      db.exec("COMMIT");
    },
    durable: sync ? () => sync.sync() : undefined,
    async rollback() {
      if (db.inTransaction) db.exec("ROLLBACK");
    },
    beforeClose: async () => {
      await checkpointer?.stop();
      await sync?.close();
    },
  };
  return new Store(
    backend,
    memory ? ":memory:" : resolve(path),
    undefined,
    migrationSet("sqlite", options),
  );
}

function migrationSet(dialect: Dialect, options: OpenStoreOptions): Record<string, Migration> {
  return { ...migrationsFor(dialect), ...(options.extraMigrations ?? {}) };
}

function osUser(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}

const SCHEMA_RE = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

async function openPostgres(url: string, options: OpenStoreOptions): Promise<Store> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidArgument("database URL", "a valid postgres:// URL", redactUrl(url));
  }
  const schema = options.schema ?? parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  if (schema !== undefined && !SCHEMA_RE.test(schema)) {
    throw invalidArgument(
      "schema",
      "a name of letters, digits and _ (not starting with a digit)",
      schema,
    );
  }
  // libpq (psql) falls back to the operating-system user; node-postgres only to $USER,
  // which is often unset in containers and services.
  if (!parsed.username) {
    const user = process.env.PGUSER || osUser();
    if (user) parsed.username = user;
  }
  const poolSize = options.poolSize ?? 10;
  if (!Number.isInteger(poolSize) || poolSize < 1) {
    throw invalidArgument("poolSize", "an integer >= 1", poolSize);
  }
  const { default: pg } = await import("pg");
  const int8 = 20;
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5000,
    ...(schema === undefined ? {} : { options: `-c search_path=${schema}` }),
    // bigint columns hold epoch ms and ids, all far below 2^53: read them as numbers.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === int8 && format !== "binary"
          ? (v: string) => Number(v)
          : pg.types.getTypeParser(oid, format ?? "text")) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its connection must not crash the process; the next query
  // reports VIGIL_DB_UNAVAILABLE instead.
  pool.on("error", () => undefined);

  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const backend: Backend = {
    dialect: "postgres",
    secretUrl: url,
    db,
    async begin(conn) {
      await sql`begin`.execute(conn);
    },
    async commit(conn) {
      await sql`commit`.execute(conn);
    },
    async rollback(conn) {
      await sql`rollback`.execute(conn);
    },
  };
  let current: string;
  try {
    if (schema !== undefined) {
      await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
    }
    const row = await sql<{ s: string | null }>`select current_schema() as s`.execute(db);
    const s = row.rows[0]?.s;
    if (!s) {
      throw new VigilError(
        "VIGIL_DB_UNAVAILABLE",
        `The database at ${redactUrl(url)} has no schema on its search_path; pass ?schema=NAME.`,
      );
    }
    current = s;
  } catch (err) {
    await db.destroy().catch(() => undefined);
    const translated = translateDbError(err, "connect", url);
    if (translated instanceof VigilError) throw translated;
    throw new VigilError(
      "VIGIL_DB_UNAVAILABLE",
      `Cannot connect to ${redactUrl(url)}: ${scrub(String((err as Error)?.message ?? err), url).slice(0, 200)}`,
    );
  }
  return new Store(backend, redactUrl(url), current, migrationSet("postgres", options));
}
