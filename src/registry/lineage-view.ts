/**
 * Reads the lineage a version was registered with back out of its stored metadata, for
 * trace and the model card. Metadata written by other clients (the API, an MLflow import,
 * an older Vigil) may lack parts, so every part is read defensively and missing ones come
 * back as null or empty rather than failing the whole trace.
 */
import { createHash } from "node:crypto";
import type { JsonValue } from "../store/index.js";
import type { ArtifactLineage, GitLineage } from "./lineage.js";

export interface DataFileView {
  uri: string;
  sha256: string;
  size: number | null;
  rows: number | null;
  columns: string[];
  /** The profile summary recorded at registration (data-profile.ts), null when none. */
  profile: DataProfileView | null;
}

export interface DataProfileView {
  sha256: string;
  rows: number | null;
  columns: (Obj & { name: string; kind: string; missing: number })[];
}

export interface LockFileView {
  name: string;
  kind: string;
  sha256: string;
}

export interface EnvironmentView {
  /**
   * sha256 over the lock files as `sha256sum` prints them ("<sha256>  <name>\n" per file,
   * by name): one value that changes when any lock file does. Null without lock files.
   */
  lockHash: string | null;
  lockFiles: LockFileView[];
  runtime: Record<string, JsonValue>;
}

export interface LineageView {
  artifact: ArtifactLineage | null;
  git: GitLineage | null;
  data: DataFileView[];
  environment: EnvironmentView | null;
  params: JsonValue | null;
  metrics: JsonValue | null;
  card: Record<string, JsonValue> | null;
  tags: Record<string, string>;
}

type Obj = Record<string, JsonValue>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** The combined hash of a set of lock files (see EnvironmentView.lockHash). */
export function lockHash(files: readonly { name: string; sha256: string }[]): string | null {
  if (files.length === 0) return null;
  const lines = [...files]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((f) => `${f.sha256}  ${f.name}\n`)
    .join("");
  return createHash("sha256").update(lines, "utf8").digest("hex");
}

function artifact(v: unknown): ArtifactLineage | null {
  if (!isObj(v)) return null;
  const sha256 = str(v.sha256);
  if (sha256 === null) return null;
  return { uri: str(v.uri) ?? "", sha256, size: num(v.size) ?? 0 };
}

function git(v: unknown): GitLineage | null {
  if (!isObj(v)) return null;
  return {
    known: v.known === true,
    commit: str(v.commit),
    branch: str(v.branch),
    remote: str(v.remote),
    dirty: typeof v.dirty === "boolean" ? v.dirty : null,
  };
}

function data(v: unknown): DataFileView[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isObj).map((d) => ({
    uri: str(d.uri) ?? "",
    sha256: str(d.sha256) ?? "",
    size: num(d.size),
    rows: num(d.rows),
    columns: Array.isArray(d.schema)
      ? d.schema.map((c) => (isObj(c) ? (str(c.name) ?? "") : String(c)))
      : [],
    profile: profile(d.profile),
  }));
}

function profile(v: unknown): DataProfileView | null {
  if (!isObj(v)) return null;
  const sha256 = str(v.sha256);
  if (sha256 === null) return null;
  return {
    sha256,
    rows: num(v.rows),
    columns: (Array.isArray(v.columns) ? v.columns : []).filter(isObj).map((c) => ({
      ...c,
      name: str(c.name) ?? "",
      kind: str(c.kind) ?? "",
      missing: num(c.missing) ?? 0,
    })),
  };
}

function environment(v: unknown): EnvironmentView | null {
  if (!isObj(v)) return null;
  const lockFiles = (Array.isArray(v.lockFiles) ? v.lockFiles : []).filter(isObj).map((f) => ({
    name: str(f.name) ?? "",
    kind: str(f.kind) ?? "",
    sha256: str(f.sha256) ?? "",
  }));
  return {
    lockHash: lockHash(lockFiles),
    lockFiles,
    runtime: isObj(v.runtime) ? v.runtime : {},
  };
}

/** The lineage parts of a registered version's metadata (`{ lineage, tags }`). */
export function readLineage(metadata: JsonValue): LineageView {
  const m = isObj(metadata) ? metadata : {};
  const l = isObj(m.lineage) ? m.lineage : {};
  const tags: Record<string, string> = {};
  if (isObj(m.tags)) for (const [k, v] of Object.entries(m.tags)) tags[k] = String(v);
  return {
    artifact: artifact(l.artifact),
    git: git(l.git),
    data: data(l.data),
    environment: environment(l.environment),
    params: l.params ?? null,
    metrics: l.metrics ?? null,
    card: isObj(l.card) ? l.card : null,
    tags,
  };
}

/** The last path segment of a data file's URI, for one-line listings. */
export function fileName(uri: string): string {
  const last = uri.slice(uri.lastIndexOf("/") + 1) || uri;
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/**
 * One line about a recorded profile, for trace, `model show` and the card:
 * "5 columns (3 numeric, 2 categorical; 1 with missing values), profile sha256 1a2b3c4d5e6f".
 */
export function profileLine(p: { sha256: string; columns: { kind: string; missing: number }[] }) {
  const numeric = p.columns.filter((c) => c.kind === "numeric").length;
  const withMissing = p.columns.filter((c) => c.missing > 0).length;
  return `${p.columns.length} columns (${numeric} numeric, ${p.columns.length - numeric} categorical; ${withMissing} with missing values), profile sha256 ${p.sha256.slice(0, 12)}`;
}
