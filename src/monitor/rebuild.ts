/**
 * Raw events as the source of truth for window profiles: rebuild a window's profile by
 * replaying its stored events (in insertion order, with the stored profile's columns and
 * bins, through the same EventProfiler ingest uses), compare two profiles, and delete raw
 * events past their model's retention.
 *
 * When one process wrote the window (SQLite, or one server on PostgreSQL) the rebuild is
 * byte-identical to the stored profile, since ingest counts events into the profile in the
 * order they were inserted. With several writers on one PostgreSQL, transactions can commit
 * in another order than their events' seq numbers; the profiles then agree on every exact
 * part and on the quantile sketch within its error bound (compareProfiles).
 */
import { VigilError } from "../errors.js";
import {
  type ColumnProfile,
  type DatasetProfile,
  deserializeDatasetProfile,
  profileKs,
  serializeDatasetProfile,
} from "../sketch/index.js";
import type { Repo, Store, WindowKey, WindowProfileRecord } from "../store/index.js";
import { monitorConfig, requireMonitorConfig } from "./config.js";
import { isSampledOut } from "./ingest.js";
import { ingestSettings } from "./settings.js";
import { EventProfiler, newWindowProfile } from "./window-profile.js";

export interface RebuildResult {
  /** The profile replayed from the raw events. */
  profile: DatasetProfile;
  bytes: Uint8Array;
  /** The stored window. */
  stored: WindowProfileRecord;
  /** Raw events replayed. */
  events: number;
  /** True when the rebuilt bytes equal the stored bytes. */
  identical: boolean;
  /** Differences beyond the profiles' error bounds (empty: equivalent). */
  differences: string[];
}

const PAGE = 5000;

/**
 * Recomputes a window's profile from its raw events. Throws VIGIL_RAW_EVENTS_INCOMPLETE when
 * some events are stored without their features (sampling) or the stored event count does
 * not match the window's (retention deleted some), VIGIL_INVALID_ARGUMENT when there is no
 * such window.
 */
export async function rebuildWindowProfile(store: Repo, key: WindowKey): Promise<RebuildResult> {
  const stored = await store.getWindowProfile(key);
  if (!stored) {
    throw new VigilError(
      "VIGIL_INVALID_ARGUMENT",
      `No window profile for model ${key.modelId}, version ${key.versionId}, window ${new Date(key.windowStart).toISOString()}.`,
    );
  }
  const model = await store.getModelById(key.modelId);
  if (!model) throw new VigilError("VIGIL_MODEL_NOT_FOUND", `No model has id ${key.modelId}.`);
  const config = requireMonitorConfig(model);
  const original = deserializeDatasetProfile(stored.data);
  const profile = newWindowProfile(original.schema(), original.binSpecs());
  const profiler = new EventProfiler(profile, config.task, config.positiveClass);
  // A profile counted with deferral covers the events up to its counted seq; later ones are
  // still being counted (deferred-profiles.ts).
  const upTo = stored.countedSeq ?? Number.POSITIVE_INFINITY;
  let afterSeq = 0;
  let events = 0;
  for (;;) {
    const page = await store.listEvents(key.modelId, {
      versionId: key.versionId,
      windowStart: key.windowStart,
      afterSeq,
      limit: PAGE,
    });
    for (const e of page) {
      if (e.seq > upTo) break;
      if (isSampledOut(e.payload)) {
        throw new VigilError(
          "VIGIL_RAW_EVENTS_INCOMPLETE",
          `Event "${e.id}" of this window was sampled out (settings.ingest.sampleRate < 1): its features are not stored.`,
        );
      }
      profiler.add(e.payload as Record<string, unknown>);
      events++;
    }
    if (page.length < PAGE) break;
    afterSeq = (page[page.length - 1] as { seq: number }).seq;
    if (afterSeq >= upTo) break;
  }
  if (events !== stored.eventCount) {
    throw new VigilError(
      "VIGIL_RAW_EVENTS_INCOMPLETE",
      `The window counted ${stored.eventCount} events but ${events} are stored (retention deletes raw events after settings.ingest.retentionDays).`,
    );
  }
  const bytes = serializeDatasetProfile(profile);
  const identical = Buffer.from(bytes).equals(Buffer.from(stored.data));
  return {
    profile,
    bytes,
    stored,
    events,
    identical,
    differences: identical ? [] : compareProfiles(original, profile),
  };
}

function relClose(a: number, b: number, tol: number): boolean {
  if (Object.is(a, b)) return true;
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));
}

function compareColumn(name: string, a: ColumnProfile, b: ColumnProfile, out: string[]): void {
  const where = `column "${name}"`;
  if (a.kind !== b.kind) {
    out.push(`${where}: kind ${a.kind} vs ${b.kind}`);
    return;
  }
  for (const part of ["count", "missing", "typeErrors", "infinite"] as const) {
    if (a[part] !== b[part]) out.push(`${where}: ${part} ${a[part]} vs ${b[part]}`);
  }
  if (a.kind === "numeric") {
    const ma = a.moments;
    const mb = b.moments;
    if (ma.n !== mb.n || !Object.is(ma.min, mb.min) || !Object.is(ma.max, mb.max)) {
      out.push(
        `${where}: moments n/min/max ${ma.n}/${ma.min}/${ma.max} vs ${mb.n}/${mb.min}/${mb.max}`,
      );
    }
    if (!relClose(ma.mean, mb.mean, 1e-9) || !relClose(ma.m2, mb.m2, 1e-9)) {
      out.push(`${where}: mean/M2 ${ma.mean}/${ma.m2} vs ${mb.mean}/${mb.m2}`);
    }
    if (a.kll.n !== b.kll.n) out.push(`${where}: KLL n ${a.kll.n} vs ${b.kll.n}`);
    else if (a.kll.n > 0) {
      const ks = profileKs(a, b);
      if (ks.statistic > ks.errorBound) {
        out.push(`${where}: quantile sketches differ by ${ks.statistic} > bound ${ks.errorBound}`);
      }
    }
  }
  const ra = a.hll.registers;
  const rb = b.hll.registers;
  if (ra.length !== rb.length || !Buffer.from(ra).equals(Buffer.from(rb))) {
    out.push(`${where}: distinct-count registers differ`);
  }
  const fa = a.frequent;
  const fb = b.frequent;
  if (fa.n !== fb.n) out.push(`${where}: frequent-items n ${fa.n} vs ${fb.n}`);
  else {
    const ea = new Map<string | number, number>(fa.entries() as [string | number, number][]);
    const eb = new Map<string | number, number>(fb.entries() as [string | number, number][]);
    const slack = fa.error + fb.error;
    for (const item of new Set([...ea.keys(), ...eb.keys()])) {
      const x = ea.get(item) ?? 0;
      const y = eb.get(item) ?? 0;
      if (Math.abs(x - y) > slack) {
        out.push(`${where}: frequent item ${JSON.stringify(item)} ${x} vs ${y} (bound ${slack})`);
        break;
      }
    }
  }
  const ba = a.bins?.counts;
  const bb = b.bins?.counts;
  if ((ba === undefined) !== (bb === undefined))
    out.push(`${where}: bins present on one side only`);
  else if (ba && bb && (ba.length !== bb.length || ba.some((c, i) => c !== bb[i]))) {
    out.push(`${where}: bin counts differ`);
  }
}

/**
 * Differences between two profiles of the same events beyond what the order of counting can
 * change: counts, min/max, distinct-count registers and bin counts must be equal; mean and
 * M2 within 1e-9 relative; the quantile sketches within their KS error bound; frequent-item
 * counters within their error bounds. Empty when equivalent.
 */
export function compareProfiles(a: DatasetProfile, b: DatasetProfile): string[] {
  const out: string[] = [];
  if (a.rows !== b.rows) out.push(`rows ${a.rows} vs ${b.rows}`);
  const names = new Set([...a.columns.keys(), ...b.columns.keys()]);
  for (const name of names) {
    const ca = a.columns.get(name);
    const cb = b.columns.get(name);
    if (!ca || !cb) out.push(`column "${name}" present on one side only`);
    else compareColumn(name, ca, cb, out);
  }
  return out;
}

export interface RetentionResult {
  model: string;
  /** Raw events deleted. */
  deleted: number;
  /** Events with a timestamp before this were deleted (epoch ms). */
  before: number;
}

/**
 * Deletes raw events older than each model's retention (settings.ingest.retentionDays, by
 * event timestamp). Window profiles and metric series are kept: they are the summaries.
 * Models without a monitoring schema use the default retention; a model whose settings no
 * longer parse is skipped (its events are kept).
 */
export async function sweepRetention(store: Store | Repo, now: number): Promise<RetentionResult[]> {
  const out: RetentionResult[] = [];
  for (const model of await store.listModels()) {
    let days: number | null;
    try {
      const config = monitorConfig(model);
      days = config
        ? config.settings.ingest.retentionDays
        : ingestSettings(model.monitors).retentionDays;
    } catch {
      continue;
    }
    if (days === null) continue;
    const before = now - days * 86_400_000;
    const deleted = await store.deleteEventsBefore(model.id, before);
    out.push({ model: model.name, deleted, before });
  }
  return out;
}

/**
 * A scheduler sweep (src/monitor/scheduler.ts `sweeps`) that runs sweepRetention at most once
 * per `everyMs` (default 10 minutes).
 */
export function retentionSweep(
  everyMs = 600_000,
): (ctx: { store: Store }, now: number) => Promise<void> {
  let last = Number.NEGATIVE_INFINITY;
  return async (ctx, now) => {
    if (now - last < everyMs) return;
    last = now;
    await sweepRetention(ctx.store, now);
  };
}
