/**
 * Ground-truth labels: `{ id, label, timestamp? }`, joined to the prediction with the same
 * id whenever either arrives (the store keeps labels of predictions not seen yet). Window
 * evaluation recomputes the performance of windows whose labels arrived after they closed;
 * here labels are only checked and stored.
 */
import type { LabelInput, Store, WindowKey } from "../store/index.js";
import { requireMonitorConfig } from "./config.js";
import { type IncomingItem, MAX_ID_LENGTH, parseTimestamp, type Rejection } from "./events.js";

export interface LabelOutcome {
  /** Labels stored (new or replacing an earlier label of the same id). */
  accepted: number;
  /** Labels for ids that had none before. */
  inserted: number;
  /** Labels that replaced an earlier label of the same id. */
  updated: number;
  rejected: Rejection[];
  /** Windows holding the labelled predictions that are already stored. */
  windows: WindowKey[];
}

const MAX_LABEL_LENGTH = 1000;

class LabelProblem {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {}
}

function check(item: IncomingItem, task: string, now: number): LabelInput {
  const fail = (field: string, reason: string): never => {
    throw new LabelProblem(field, reason);
  };
  if (item.parseError !== undefined) fail("", `not valid JSON: ${item.parseError}`);
  const v = item.value;
  if (typeof v !== "object" || v === null || Array.isArray(v))
    fail("", "a label must be a JSON object");
  const o = v as Record<string, unknown>;
  let id: string;
  if (typeof o.id === "string" && o.id.trim() !== "" && o.id.length <= MAX_ID_LENGTH) id = o.id;
  else if (typeof o.id === "number" && Number.isSafeInteger(o.id)) id = String(o.id);
  else
    id = fail("id", `must be the prediction's id (a string of 1 to ${MAX_ID_LENGTH} characters)`);
  const label = o.label;
  if (label === undefined || label === null) fail("label", "is required");
  if (task === "regression") {
    if (typeof label !== "number" || !Number.isFinite(label)) {
      fail("label", "must be a finite number for a regression model");
    }
  } else if (typeof label === "string") {
    if (label === "" || label.length > MAX_LABEL_LENGTH) {
      fail("label", `must be a class label of 1 to ${MAX_LABEL_LENGTH} characters`);
    }
  } else if (
    !(typeof label === "boolean" || (typeof label === "number" && Number.isFinite(label)))
  ) {
    fail("label", "must be a class label (a string, number or boolean)");
  }
  let timestamp = now;
  if (o.timestamp !== undefined && o.timestamp !== null) {
    try {
      timestamp = parseTimestamp(o.timestamp);
    } catch (err) {
      const p = err as { field?: string; reason?: string };
      fail("timestamp", p.reason ?? "is not a valid time");
    }
  }
  return { id, label: label as LabelInput["label"], timestamp };
}

/**
 * Checks and stores labels for `modelName`. Throws VIGIL_MODEL_NOT_FOUND or
 * VIGIL_INVALID_MONITOR_CONFIG (no schema); bad labels are listed in `rejected`.
 */
export async function ingestLabels(
  store: Store,
  modelName: string,
  items: IncomingItem[],
  now: number,
): Promise<LabelOutcome> {
  const model = await store.requireModel(modelName);
  const config = requireMonitorConfig(model);
  const rejected: Rejection[] = [];
  const labels: LabelInput[] = [];
  items.forEach((item, index) => {
    try {
      labels.push(check(item, config.task, now));
    } catch (err) {
      if (!(err instanceof LabelProblem)) throw err;
      const r: Rejection = {
        index,
        field: err.field,
        reason: err.reason,
        code: "VIGIL_INVALID_EVENT",
      };
      const id = (item.value as { id?: unknown } | undefined)?.id;
      if (typeof id === "string") r.id = id;
      if (item.line !== undefined) r.line = item.line;
      rejected.push(r);
    }
  });
  if (labels.length === 0) {
    return { accepted: 0, inserted: 0, updated: 0, rejected, windows: [] };
  }
  const result = await store.insertLabels(model.id, labels);
  // Within one request the last label of an id wins; count each stored label once.
  return {
    accepted: labels.length,
    inserted: result.inserted,
    updated: labels.length - result.inserted,
    rejected,
    windows: result.windows,
  };
}
