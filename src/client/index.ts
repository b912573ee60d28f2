// The prediction-logging client (`mlvigil/client`): zero dependencies, Node 20+ global fetch.
export { fullJitterDelay, parseRetryAfter } from "./backoff.js";
export { createClient } from "./client.js";
export type * from "./types.js";
