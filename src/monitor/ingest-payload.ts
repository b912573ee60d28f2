/**
 * What ingest stores of an event: the whole JSON text, or for an event sampled out
 * (settings.ingest.sampleRate < 1) only its outputs.
 */
import { hashOut, hashString } from "../sketch/index.js";

/** Whether an event's full payload is stored: a hash of its id against the sample rate. */
export function keepsPayload(id: string, sampleRate: number): boolean {
  if (sampleRate >= 1) return true;
  hashString(id);
  return (hashOut[0] as number) / 4_294_967_296 < sampleRate;
}

/** The stored form of a sampled-out event: its outputs, not its inputs. */
export function sampledOutPayload(e: Record<string, unknown>): string {
  return JSON.stringify({
    sampledOut: true,
    prediction: e.prediction,
    scores: e.scores,
    latency_ms: e.latency_ms,
    error: e.error,
  });
}

/** True for a stored payload written by sampledOutPayload. */
export function isSampledOut(payload: unknown): boolean {
  return (
    typeof payload === "object" &&
    payload !== null &&
    (payload as Record<string, unknown>).sampledOut === true
  );
}
