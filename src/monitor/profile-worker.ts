/**
 * Worker thread entry of deferred window profiles: a WindowCounter driven by messages, so
 * checking large requests and counting events into window profiles (the sketches) run on
 * another core than the HTTP handling and the SQLite writes (deferred-profiles.ts starts it).
 *
 * Checks go first: a request waits for its check before it can be committed, while counting
 * only has to keep up. So a check is answered as soon as it arrives, and everything else
 * (counts, releases, forgets, flushes, whose order matters) waits in one queue that is
 * worked off in slices of a few milliseconds, between which new checks are taken in.
 * After each slice the thread reports how many events it has counted, which the ingest
 * thread uses to bound the backlog (and with it the memory held by checked events).
 */
import { parentPort } from "node:worker_threads";
import {
  type CounterReply,
  type CounterRequest,
  handleRequest,
  WindowCounter,
} from "./window-counter.js";

/** Events counted per piece of a count request, and the time budget of one slice. */
const PIECE_EVENTS = 256;
const SLICE_MS = 4;

const port = parentPort;
if (port) {
  const counter = new WindowCounter();
  const queue: CounterRequest[] = [];
  let counted = 0;
  let pumping = false;

  const reply = (r: CounterReply | undefined) => {
    if (r === undefined) return;
    // Moved, not copied: each profile's bytes and each result column are fresh buffers.
    if (r.type === "flushed") {
      port.postMessage(
        r,
        r.windows.map((w) => w.bytes.buffer as ArrayBuffer),
      );
    } else if (r.type === "checked") {
      const c = r.results;
      port.postMessage(r, [
        c.timestamps.buffer as ArrayBuffer,
        c.errors.buffer as ArrayBuffer,
        c.latencies.buffer as ArrayBuffer,
      ]);
    } else port.postMessage(r);
  };

  const pump = () => {
    const until = performance.now() + SLICE_MS;
    let events = 0;
    while (queue.length > 0 && performance.now() < until) {
      const req = queue.shift() as CounterRequest;
      if (req.type === "count") events += req.batches.reduce((n, b) => n + b.events.length, 0);
      // A failed count makes the main thread drop every window and recount from the rows.
      reply(handleRequest(counter, req));
    }
    if (events > 0) {
      counted += events;
      port.postMessage({ type: "progress", counted } satisfies CounterReply);
    }
    if (queue.length > 0) setImmediate(pump);
    else pumping = false;
  };

  const take = (req: CounterRequest) => {
    if (req.type === "batch") {
      for (const r of req.requests) take(r);
      return;
    }
    if (req.type === "check") {
      reply(handleRequest(counter, req));
      return;
    }
    if (req.type === "count") {
      // In pieces, so a slice ends soon after its time budget. Only the last piece releases
      // the tickets; every piece may carry the batch's last seq (no flush sees a piece alone).
      for (const b of req.batches) {
        for (let i = 0; i < b.events.length; i += PIECE_EVENTS) {
          const piece = { ...b, events: b.events.slice(i, i + PIECE_EVENTS) };
          if (i > 0) delete piece.base;
          queue.push({ type: "count", batches: [piece], release: [] });
        }
        if (b.events.length === 0) queue.push({ type: "count", batches: [b], release: [] });
      }
      if (req.release.length > 0) queue.push({ type: "release", tickets: req.release });
    } else queue.push(req);
    if (!pumping) {
      pumping = true;
      setImmediate(pump);
    }
  };
  port.on("message", take);
}
