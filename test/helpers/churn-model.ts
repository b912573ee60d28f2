/**
 * The model the ingest tests send events to: binary "churn" with features age (numeric) and
 * plan (categorical), 5-minute windows, version "1", and the clock they send them at.
 */
import { configureModel } from "../../src/monitor/models.js";
import type { JsonValue, Store } from "../../src/store/index.js";

export const NOW = Date.UTC(2026, 0, 15, 12, 2, 0);
/** The window holding NOW, and the one before it. */
export const WINDOW = Date.UTC(2026, 0, 15, 12, 0, 0);
export const PREVIOUS = WINDOW - 300_000;
/** The columns of its window profiles. */
export const COLUMNS = {
  age: "numeric",
  plan: "categorical",
  $prediction: "categorical",
  $score: "numeric",
  $latency_ms: "numeric",
  $error: "categorical",
  $unknown: "categorical",
} as const;

export type Event = Record<string, unknown>;

export async function setupChurn(store: Store, monitors: JsonValue = {}) {
  await configureModel(
    store,
    "churn",
    {
      task: "binary",
      schema: { features: { age: "numeric", plan: "categorical" } },
      window: "5m",
      settings: monitors,
    },
    "tester",
  );
  const model = await store.requireModel("churn");
  const v1 = await store.createVersion(model.id, { version: "1" });
  return { model, v1 };
}
