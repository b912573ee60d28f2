// The benchmark's prediction events (20 features by default: every fourth categorical), shared
// by bench/ingest.mjs and bench/ingest-count.mjs. Each event is a fixed JSON tail after a
// fresh id and the current time, so a 500-event body costs a string join, not 500
// JSON.stringify calls, in the load generator.

export function featureSchema(n) {
  const f = {};
  for (let j = 0; j < n; j++) f[`f${j}`] = j % 4 === 3 ? "categorical" : "numeric";
  return f;
}

export function eventTails(count, features) {
  const tails = [];
  for (let i = 0; i < count; i++) {
    const f = {};
    for (let j = 0; j < features; j++) {
      f[`f${j}`] =
        j % 4 === 3 ? `cat${(i * 7 + j) % 13}` : Math.round(Math.sin(i * 0.37 + j) * 1e4) / 100;
    }
    tails.push(
      `"version":"1","features":${JSON.stringify(f)},"prediction":"${i % 2}","scores":{"1":${(i % 100) / 100}},"latency_ms":${(i % 40) + 0.5}}`,
    );
  }
  return tails;
}
