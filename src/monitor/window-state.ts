/**
 * The scheduler's bookkeeping queries on window and label rows, kept light (no profile
 * bytes, no payloads) because they run every tick, and the one atomic step that makes a
 * window's evaluation count: a conditional close that only succeeds while the window is
 * exactly as it was read, committed together with the window's metric points. Two server
 * instances on one PostgreSQL may both compute a window; only the first commit writes.
 */
import { sql } from "kysely";
import { translateDbError } from "../store/db-errors.js";
import type { JsonValue, MetricPoint, Repo, WindowKey } from "../store/index.js";

/** A window row without its profile bytes. */
export interface WindowState extends WindowKey {
  eventCount: number;
  updatedAt: number;
  closedAt: number | null;
}

function read<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  return fn().catch((err: unknown) => {
    throw translateDbError(err, operation);
  });
}

/** Windows of a model matching the filter, ordered by start then version. */
export async function windowStates(
  store: Repo,
  modelId: number,
  filter: { open?: boolean; from?: number; to?: number; versionId?: number } = {},
): Promise<WindowState[]> {
  const rows = await read("windowStates", () =>
    store.kysely
      .selectFrom("window_profiles")
      .select(["model_id", "version_id", "window_start", "event_count", "updated_at", "closed_at"])
      .where("model_id", "=", modelId)
      .$if(filter.open === true, (q) => q.where("closed_at", "is", null))
      .$if(filter.open === false, (q) => q.where("closed_at", "is not", null))
      .$if(filter.from !== undefined, (q) => q.where("window_start", ">=", filter.from!))
      .$if(filter.to !== undefined, (q) => q.where("window_start", "<", filter.to!))
      .$if(filter.versionId !== undefined, (q) => q.where("version_id", "=", filter.versionId!))
      .orderBy("window_start")
      .orderBy("version_id")
      .execute(),
  );
  return rows.map((r) => ({
    modelId: r.model_id,
    versionId: r.version_id,
    windowStart: r.window_start,
    eventCount: r.event_count,
    updatedAt: r.updated_at,
    closedAt: r.closed_at,
  }));
}

/**
 * Closes (or re-closes) a window and writes its metric points in one transaction, but only
 * if the window row still has the event count and update time it had when it was read and
 * is still in the expected state (open, or closed at `expected.closedAt`). Returns false,
 * writing nothing, when another instance got there first or events arrived meanwhile (the
 * next tick evaluates the new state). The update locks the row (PostgreSQL) or holds the
 * write lock (SQLite) until commit, so two claims of one window serialize.
 */
export async function commitWindowEvaluation(
  store: Repo,
  expected: WindowState,
  closedAt: number,
  points: readonly MetricPoint[],
): Promise<boolean> {
  return store.transaction(async (tx) => {
    const result = await tx.kysely
      .updateTable("window_profiles")
      .set({ closed_at: closedAt })
      .where("model_id", "=", expected.modelId)
      .where("version_id", "=", expected.versionId)
      .where("window_start", "=", expected.windowStart)
      .where("event_count", "=", expected.eventCount)
      .where("updated_at", "=", expected.updatedAt)
      .where((eb) =>
        expected.closedAt === null
          ? eb("closed_at", "is", null)
          : eb("closed_at", "=", expected.closedAt),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    await tx.putMetrics(points);
    return true;
  });
}

/** One labeled event of a window: the event payload and the label. */
export interface LabeledRow {
  payload: JsonValue;
  label: JsonValue;
  receivedAt: number;
}

/** Rows of its outer table one query of a window's labeled events reads at most (default). */
const LABEL_PAGE_ROWS = 5000;
/** Up to this many of a model's labels are counted to choose which side to read. */
const LABEL_COUNT_CAP = 100_000;

/** A labeled event as the paged reads return it. */
interface LabelMatch {
  seq: number;
  payloadJson: string | null;
  valueJson: string;
  receivedAt: number;
}

const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A row of either side's page. */
interface MatchRow {
  seq: number | null;
  value_json: string | null;
  received_at: number | null;
  payload_json?: string | null;
}

/** A page row as a match; undefined when the join found no other side. */
function toMatch(r: MatchRow): LabelMatch | undefined {
  if (r.seq === null || r.value_json === null || r.received_at === null) return undefined;
  return {
    seq: r.seq,
    payloadJson: r.payload_json ?? null,
    valueJson: r.value_json,
    receivedAt: r.received_at,
  };
}

/**
 * Visits the labeled events of one window, a page at a time, with the payload when
 * `payload` is set. `windowEvents`: the window's event count.
 *
 * Each query reads at most `pageRows` rows of its outer table whatever they match,
 * and the event loop runs between queries: SQLite runs queries on the server's thread, and
 * a join paged by its matches read a whole window of 1.5M unlabeled events in one 0.5 s
 * query when it closed, a pause every ingest request waited for. The outer table is the
 * model's labels when they are fewer than the window's events (and than LABEL_COUNT_CAP,
 * so the count stays cheap); a model without labels reads nothing. Otherwise the window's
 * events, by seq (an index range on both backends).
 */
async function visitLabeledEvents(
  store: Repo,
  key: WindowKey,
  windowEvents: number,
  payload: boolean,
  pageRows: number,
  visit: (m: LabelMatch) => void,
): Promise<void> {
  const cap = Math.min(windowEvents, LABEL_COUNT_CAP);
  const counted = await read("windowLabels", () =>
    store.kysely
      .selectFrom((eb) =>
        eb
          .selectFrom("labels")
          .select("event_id")
          .where("model_id", "=", key.modelId)
          .limit(cap + 1)
          .as("capped"),
      )
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .executeTakeFirstOrThrow(),
  );
  const labels = Number(counted.n);
  if (labels === 0) return;
  if (labels <= cap) {
    return readPages(
      pageRows,
      null as string | null,
      (after) =>
        read("windowLabels", () =>
          store.kysely
            .selectFrom("labels as l")
            .leftJoin("prediction_events as e", (j) =>
              j
                .onRef("e.model_id", "=", "l.model_id")
                .onRef("e.event_id", "=", "l.event_id")
                .on("e.version_id", "=", key.versionId)
                .on("e.window_start", "=", key.windowStart),
            )
            .select(["l.event_id", "e.seq", "l.value_json", "l.received_at"])
            .$if(payload, (q) => q.select("e.payload_json"))
            .where("l.model_id", "=", key.modelId)
            .$if(after !== null, (q) => q.where("l.event_id", ">", after!))
            .orderBy("l.event_id")
            .limit(pageRows)
            .execute(),
        ),
      (r) => r.event_id,
      visit,
    );
  }
  return readPages(
    pageRows,
    0,
    (after) =>
      read("windowLabels", () =>
        store.kysely
          .selectFrom("prediction_events as e")
          .leftJoin("labels as l", (j) =>
            j.onRef("l.model_id", "=", "e.model_id").onRef("l.event_id", "=", "e.event_id"),
          )
          .select(["e.seq", "l.value_json", "l.received_at"])
          .$if(payload, (q) => q.select("e.payload_json"))
          .where("e.model_id", "=", key.modelId)
          .where("e.window_start", "=", key.windowStart)
          .where("e.version_id", "=", key.versionId)
          .where("e.seq", ">", after)
          .orderBy("e.seq")
          .limit(pageRows)
          .execute(),
      ),
    (r) => r.seq,
    visit,
  );
}

/**
 * Reads pages from `first` on (`page(after)` returns the rows past the cursor `after`) until
 * one is short of `pageRows`, visits each row that matched, and lets the event loop run
 * between pages.
 */
async function readPages<R extends MatchRow, C>(
  pageRows: number,
  first: C,
  page: (after: C) => Promise<R[]>,
  cursor: (row: R) => C,
  visit: (m: LabelMatch) => void,
): Promise<void> {
  let after = first;
  for (;;) {
    const rows = await page(after);
    for (const r of rows) {
      const m = toMatch(r);
      if (m) visit(m);
    }
    if (rows.length < pageRows) return;
    after = cursor(rows[rows.length - 1]!);
    await nextMacrotask();
  }
}

/**
 * The labeled events of one window in event order (events without a label are not
 * returned), for the performance monitor. `windowEvents`: the window's event count.
 */
export async function labeledRows(
  store: Repo,
  key: WindowKey,
  windowEvents: number,
  pageRows = LABEL_PAGE_ROWS,
): Promise<LabeledRow[]> {
  const matches: LabelMatch[] = [];
  await visitLabeledEvents(store, key, windowEvents, true, pageRows, (m) => matches.push(m));
  // The labels side comes in event-id order; the metrics see events in seq order either way.
  matches.sort((a, b) => a.seq - b.seq);
  return matches.map((m) => ({
    payload: JSON.parse(m.payloadJson ?? "null") as JsonValue,
    label: JSON.parse(m.valueJson) as JsonValue,
    receivedAt: m.receivedAt,
  }));
}

/**
 * Windows of a model holding predictions whose label was received at or after `since`
 * (epoch ms, the store's clock), with the latest receipt time seen: the windows whose
 * performance may need recomputing.
 */
export async function windowsWithLabelsSince(
  store: Repo,
  modelId: number,
  since: number,
): Promise<{ keys: WindowKey[]; latest: number }> {
  const rows = await read("windowsWithLabelsSince", () =>
    store.kysely
      .selectFrom("labels as l")
      .innerJoin("prediction_events as e", (j) =>
        j.onRef("e.model_id", "=", "l.model_id").onRef("e.event_id", "=", "l.event_id"),
      )
      .select(["e.version_id", "e.window_start"])
      .select((eb) => eb.fn.max("l.received_at").as("latest"))
      .where("l.model_id", "=", modelId)
      .where("l.received_at", ">=", since)
      .groupBy(["e.version_id", "e.window_start"])
      .orderBy("e.window_start")
      .orderBy("e.version_id")
      .execute(),
  );
  let latest = since;
  const keys = rows.map((r) => {
    const l = Number(r.latest);
    if (l > latest) latest = l;
    return { modelId, versionId: r.version_id, windowStart: r.window_start };
  });
  return { keys, latest };
}

/** Distinct window starts of a model in [from, to) (any version, open or closed). */
export async function windowStarts(
  store: Repo,
  modelId: number,
  from: number,
  to: number,
): Promise<number[]> {
  const rows = await read("windowStarts", () =>
    store.kysely
      .selectFrom("window_profiles")
      .select("window_start")
      .distinct()
      .where("model_id", "=", modelId)
      .where("window_start", ">=", from)
      .where("window_start", "<", to)
      .orderBy("window_start")
      .execute(),
  );
  return rows.map((r) => r.window_start);
}

/** Sum of the event counts of every version's window at `start`. */
export async function modelEventCount(
  store: Repo,
  modelId: number,
  start: number,
): Promise<number> {
  const row = await read("modelEventCount", () =>
    store.kysely
      .selectFrom("window_profiles")
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>("event_count"), sql<number>`0`).as("n"))
      .where("model_id", "=", modelId)
      .where("window_start", "=", start)
      .executeTakeFirstOrThrow(),
  );
  return Number(row.n);
}

/**
 * Labeled events of a window and their latest label receipt time (0 when none).
 * `windowEvents`: the window's event count.
 */
export async function windowLabelStats(
  store: Repo,
  key: WindowKey,
  windowEvents: number,
  pageRows = LABEL_PAGE_ROWS,
): Promise<{ labeled: number; receivedThrough: number }> {
  let labeled = 0;
  let receivedThrough = 0;
  await visitLabeledEvents(store, key, windowEvents, false, pageRows, (m) => {
    labeled++;
    if (m.receivedAt > receivedThrough) receivedThrough = m.receivedAt;
  });
  return { labeled, receivedThrough };
}
