/**
 * `vigil serve`: runs until SIGTERM or SIGINT, then drains and exits 0. A second signal
 * while draining exits at once with 1.
 */
import { VigilError } from "../../errors.js";
import { allRoutes } from "../../server/assemble.js";
import { DEFAULT_RATE_LIMIT, type RateLimitOptions } from "../../server/rate-limit.js";
import { withPublicMetrics } from "../../server/routes/prometheus.js";
import {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningServer,
  type ServeOptions,
  startServe,
} from "../../server/serve.js";
import type { CommandHandler } from "../definition.js";
import { dbTarget } from "./embedded-store.js";
import { stringOpt } from "./evaluate.js";

function usage(message: string): VigilError {
  return new VigilError("VIGIL_USAGE", `vigil serve: ${message}`);
}

export function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) {
    throw usage(`--port must be an integer from 0 to 65535, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** `16mb`, `512kb`, `1048576` -> bytes. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|kb|k|mb|m|gb|g)?$/i.exec(text.trim());
  const unit = (m?.[2] ?? "b").toLowerCase()[0]!;
  const bytes = m
    ? Math.floor(Number(m[1]) * ({ b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] ?? 1))
    : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1024) {
    throw usage(
      `--body-limit must be a size of at least 1kb (e.g. 16mb), got ${JSON.stringify(text)}`,
    );
  }
  return bytes;
}

export function parseRateLimit(text: string): RateLimitOptions | false {
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(n)) {
    throw usage(
      `--rate-limit must be requests per second (0 turns it off), got ${JSON.stringify(text)}`,
    );
  }
  return n === 0 ? false : { perSecond: n, burst: Math.max(1, 2 * n) };
}

export const serveHandler: CommandHandler = {
  async run(ctx) {
    const host = stringOpt(ctx.options, "host") ?? DEFAULT_HOST;
    const port = parsePort(stringOpt(ctx.options, "port") ?? String(DEFAULT_PORT));
    const bodyLimit = stringOpt(ctx.options, "body-limit");
    const rate = stringOpt(ctx.options, "rate-limit");
    const logger = {
      info: (line: string) => ctx.io.stderr.write(`${line}\n`),
      error: (line: string) => ctx.io.stderr.write(`${line}\n`),
    };
    const options: ServeOptions = {
      db: dbTarget(ctx),
      host,
      port,
      rateLimit: rate === undefined ? DEFAULT_RATE_LIMIT : parseRateLimit(rate),
      logger,
      stdout: ctx.io.stdout,
    };
    if (bodyLimit !== undefined) options.bodyLimitBytes = parseSize(bodyLimit);
    if (ctx.options["public-metrics"] === true) options.routes = withPublicMetrics(allRoutes());

    // Signal handlers go in before start-up: a SIGTERM that arrives while the store opens
    // or right after the port is bound must still drain, not kill the process.
    let running: RunningServer | undefined;
    let signals = 0;
    let requested = false;
    let finish: (code: number) => void = () => undefined;
    const finished = new Promise<number>((resolve) => (finish = resolve));
    const stop = (r: RunningServer) =>
      r.stop().then(
        () => {
          logger.info("stopped");
          finish(0);
        },
        (err: unknown) => {
          logger.error(`stopping failed: ${(err as Error)?.stack ?? String(err)}`);
          finish(3);
        },
      );
    const onSignal = (signal: NodeJS.Signals) => {
      if (++signals > 1) {
        logger.error(`${signal} again: exiting without finishing the drain`);
        process.exit(1);
      }
      logger.info(`${signal}: draining requests and stopping`);
      if (running) void stop(running);
      else requested = true;
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
    try {
      running = await startServe(options);
      if (requested) void stop(running);
      return await finished;
    } finally {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
  },
};
