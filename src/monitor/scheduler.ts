/**
 * The window scheduler, a background plugin of `vigil serve`. Every tick, for every model:
 *   1. window slots that ended more than the grace period ago and have no event at all get
 *      a model-level event count of 0 (so a traffic stop shows as a volume drop);
 *   2. open windows that ended more than the grace period ago are evaluated and closed,
 *      oldest first; closed windows whose event count changed since their evaluation (late
 *      events) are evaluated again;
 *   3. windows whose labels arrived after their performance was computed get it recomputed;
 *   4. the sweeps run (by default the raw-event retention of src/monitor/rebuild.ts).
 * Everything is read from the store, so a restarted server (or another instance) picks up
 * where this one stopped. Several instances on one PostgreSQL may tick at once: a window's
 * points are committed together with a conditional close that only one of them wins
 * (window-state.ts), and the other writes are idempotent upserts. Time comes from ctx.now(),
 * so tests move a clock and call runOnce() instead of waiting.
 */
import { isVigilError } from "../errors.js";
import type { ServerContext, ServerPlugin } from "../server/route.js";
import type { ModelRecord, WindowKey } from "../store/types.js";
import {
  evaluateWindow,
  type ModelContext,
  modelContext,
  refreshWindowPerformance,
} from "./evaluate-window.js";
import { flushWindowProfiles } from "./ingest-plugin.js";
import { METRIC } from "./metric-names.js";
import { evaluateVolume } from "./monitors/volume.js";
import { retentionSweep } from "./rebuild.js";
import { windowStarts, windowStates, windowsWithLabelsSince } from "./window-state.js";

export const SCHEDULER_SERVICE = "monitor-scheduler";

/** A periodic job run after the windows of every model (e.g. a retention sweep). */
export type SchedulerSweep = (ctx: ServerContext, now: number) => Promise<void>;

export interface SchedulerOptions {
  /** Wall-clock ms between ticks; 0 disables the timer (call runOnce). Default 5000. */
  intervalMs?: number;
  /** How far back closed windows are checked for late events, ms. Default 24 h. */
  lateEventsLookbackMs?: number;
  /**
   * Labels stamped this long before the newest one seen are looked at again on the next
   * tick, since a label's receipt time is stamped before its transaction commits. Default 60 s.
   */
  labelSafetyMs?: number;
  /**
   * At most this often (ctx.now() ms) a model's labels are scanned for late arrivals: the
   * scan reads the model's label rows (there is no index on receipt time). Default 30 s;
   * 0 = every tick.
   */
  labelCheckEveryMs?: number;
  /** Jobs run at the end of every tick. Default: the raw-event retention sweep (every 10 min). */
  sweeps?: SchedulerSweep[];
  /** Where tick errors are reported. Default: stderr. */
  log?: (line: string) => void;
}

export interface TickReport {
  now: number;
  /** Windows evaluated and closed (or re-evaluated after late events). */
  evaluated: WindowKey[];
  /** Windows another instance claimed first, or that changed while being evaluated. */
  lost: WindowKey[];
  /** Model-level empty window slots given an event count of 0. */
  emptyWindows: { modelId: number; windowStart: number }[];
  /** Windows whose performance was recomputed for late labels. */
  performanceRefreshed: WindowKey[];
  errors: { model: string; message: string }[];
}

const DEFAULT_INTERVAL_MS = 5_000;
const DEFAULT_LOOKBACK_MS = 24 * 3600_000;
const DEFAULT_LABEL_SAFETY_MS = 60_000;
const DEFAULT_LABEL_CHECK_MS = 30_000;

export class MonitorScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<TickReport> | undefined;
  private stopped = false;
  /** Per model: labels received at or after this (store clock) are still to be checked. */
  private readonly labelWatermark = new Map<number, number>();
  /** Per model: ctx.now() of the last label scan. */
  private readonly labelCheckedAt = new Map<number, number>();
  private readonly opts: Required<Omit<SchedulerOptions, "sweeps">> & { sweeps: SchedulerSweep[] };

  constructor(
    private readonly ctx: ServerContext,
    options: SchedulerOptions = {},
  ) {
    this.opts = {
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
      lateEventsLookbackMs: options.lateEventsLookbackMs ?? DEFAULT_LOOKBACK_MS,
      labelSafetyMs: options.labelSafetyMs ?? DEFAULT_LABEL_SAFETY_MS,
      labelCheckEveryMs: options.labelCheckEveryMs ?? DEFAULT_LABEL_CHECK_MS,
      sweeps: options.sweeps ?? [retentionSweep()],
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    };
  }

  start(): void {
    if (this.opts.intervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => {
      this.runOnce().catch((err: unknown) => this.opts.log(`monitor scheduler: ${String(err)}`));
    }, this.opts.intervalMs);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /**
   * Runs one tick now. Ticks never overlap: a call during a tick waits for it and then runs
   * one more, so the caller sees the state as of its call.
   */
  async runOnce(): Promise<TickReport> {
    while (this.running) {
      await this.running.catch(() => undefined);
    }
    const run = this.tick();
    this.running = run;
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  private async tick(): Promise<TickReport> {
    const now = this.ctx.now();
    const report: TickReport = {
      now,
      evaluated: [],
      lost: [],
      emptyWindows: [],
      performanceRefreshed: [],
      errors: [],
    };
    try {
      // Window profiles counted after their commit (SQLite) are written before any is read.
      await flushWindowProfiles(this.ctx);
    } catch (err) {
      const message = isVigilError(err) ? `${err.code}: ${err.message}` : String(err);
      report.errors.push({ model: "", message });
      this.opts.log(`monitor scheduler: writing window profiles: ${message}`);
    }
    const models = await this.ctx.store.listModels();
    for (const model of models) {
      if (this.stopped) break;
      try {
        await this.tickModel(model, now, report);
      } catch (err) {
        const message = isVigilError(err) ? `${err.code}: ${err.message}` : String(err);
        report.errors.push({ model: model.name, message });
        this.opts.log(`monitor scheduler: model ${model.name}: ${message}`);
      }
    }
    for (const sweep of this.opts.sweeps) {
      try {
        await sweep(this.ctx, now);
      } catch (err) {
        const message = isVigilError(err) ? `${err.code}: ${err.message}` : String(err);
        report.errors.push({ model: "*", message });
        this.opts.log(`monitor scheduler: sweep: ${message}`);
      }
    }
    return report;
  }

  private async tickModel(model: ModelRecord, now: number, report: TickReport): Promise<void> {
    const { store } = this.ctx;
    const mc = modelContext(model);
    const windowMs = model.windowSeconds * 1000;
    const cutoff = now - mc.settings.graceSeconds * 1000;
    // A window [start, start + windowMs) is due when start + windowMs <= cutoff.
    const dueBefore = cutoff - windowMs + 1;

    await this.fillEmptySlots(mc, windowMs, dueBefore, report);

    const due = await windowStates(store, model.id, { open: true, to: dueBefore });
    const changed = await this.windowsWithLateEvents(model.id, now, dueBefore);
    const todo = [...due, ...changed].sort(
      (a, b) => a.windowStart - b.windowStart || a.versionId - b.versionId,
    );
    for (const w of todo) {
      if (this.stopped) return;
      const key = { modelId: w.modelId, versionId: w.versionId, windowStart: w.windowStart };
      const result = await evaluateWindow(store, key, mc.settings, now, {
        close: true,
        expected: w,
      });
      (result.committed ? report.evaluated : report.lost).push(key);
    }

    const lastCheck = this.labelCheckedAt.get(model.id);
    if (lastCheck === undefined || now - lastCheck >= this.opts.labelCheckEveryMs) {
      this.labelCheckedAt.set(model.id, now);
      await this.refreshLateLabels(mc, dueBefore, report);
    }
  }

  /**
   * Model-level count 0 for the window slots since the last counted one that ended before
   * the cutoff and have no window profile at all (the most recent `volume.history` only).
   */
  private async fillEmptySlots(
    mc: ModelContext,
    windowMs: number,
    dueBefore: number,
    report: TickReport,
  ): Promise<void> {
    const { store } = this.ctx;
    const modelId = mc.model.id;
    const latest = (await store.latestMetrics(modelId, { name: METRIC.EVENT_COUNT })).filter(
      (m) => m.versionId === null,
    );
    const last = latest[0]?.windowStart;
    if (last === undefined) return;
    const lastDue = last + Math.floor((dueBefore - 1 - last) / windowMs) * windowMs;
    if (lastDue <= last) return;
    const first = Math.max(last + windowMs, lastDue - (mc.settings.volume.history - 1) * windowMs);
    const occupied = new Set(await windowStarts(store, modelId, first, lastDue + 1));
    for (let s = first; s <= lastDue; s += windowMs) {
      if (occupied.has(s)) continue;
      await evaluateVolume(store, modelId, s, windowMs, mc.settings.volume, 0);
      report.emptyWindows.push({ modelId, windowStart: s });
    }
  }

  /** Closed windows (within the look-back) whose event count differs from the evaluated one. */
  private async windowsWithLateEvents(modelId: number, now: number, dueBefore: number) {
    const { store } = this.ctx;
    const from = now - this.opts.lateEventsLookbackMs;
    const closed = await windowStates(store, modelId, { open: false, from, to: dueBefore });
    if (closed.length === 0) return [];
    const counts = await store.queryMetrics({
      modelId,
      name: METRIC.EVENT_COUNT,
      from,
      to: dueBefore,
      limit: 1_000_000,
    });
    const evaluated = new Map<string, number>();
    for (const c of counts) {
      if (c.versionId !== null) evaluated.set(`${c.versionId}:${c.windowStart}`, c.value);
    }
    return closed.filter((w) => evaluated.get(`${w.versionId}:${w.windowStart}`) !== w.eventCount);
  }

  /**
   * Windows holding predictions whose labels arrived since the last check: their
   * performance is recomputed if the labels differ from those it was computed with. Open
   * windows are left to their evaluation at close.
   */
  private async refreshLateLabels(
    mc: ModelContext,
    dueBefore: number,
    report: TickReport,
  ): Promise<void> {
    const { store } = this.ctx;
    const modelId = mc.model.id;
    const since = this.labelWatermark.get(modelId) ?? 0;
    // Receipt times are the store's wall clock, not ctx.now().
    const checkedAt = Date.now();
    const { keys, latest } = await windowsWithLabelsSince(store, modelId, since);
    for (const key of keys) {
      if (this.stopped) return;
      if (key.windowStart >= dueBefore) continue;
      if (await refreshWindowPerformance(store, key, mc)) report.performanceRefreshed.push(key);
    }
    const next = Math.min(latest + 1, checkedAt - this.opts.labelSafetyMs);
    this.labelWatermark.set(modelId, Math.max(since, next));
  }
}

/** The scheduler a server runs (undefined before the plugin started). */
export function schedulerOf(ctx: ServerContext): MonitorScheduler | undefined {
  const s = ctx.services.get(SCHEDULER_SERVICE);
  return s instanceof MonitorScheduler ? s : undefined;
}

/** The plugin for src/server/assemble.ts allPlugins(). */
export function monitorScheduler(options: SchedulerOptions = {}): ServerPlugin {
  return {
    name: SCHEDULER_SERVICE,
    async start(ctx) {
      const scheduler = new MonitorScheduler(ctx, options);
      ctx.services.set(SCHEDULER_SERVICE, scheduler);
      scheduler.start();
    },
    async stop(ctx) {
      await schedulerOf(ctx)?.stop();
    },
  };
}
