/**
 * The Prometheus binaries the tests run (Debian package `prometheus`: /usr/bin/promtool and
 * /usr/bin/prometheus). Outside CI a missing binary skips its tests with a printed reason;
 * with CI=true a failing test is added instead, so CI cannot pass without them
 * (.ci/run installs the package).
 */
import { spawnSync } from "node:child_process";
import { it } from "vitest";

const IN_CI = process.env.CI === "true" || process.env.CI === "1";

/** The binary's path, or undefined (after registering the CI failure or printing why). */
export function requireTool(name: "promtool" | "prometheus", suite: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  const path = found.status === 0 ? found.stdout.trim() : "";
  if (path !== "") return path;
  const why = `${name} not found on PATH (apt-get install prometheus)`;
  if (IN_CI) {
    it(`${name} is installed (required with CI=true)`, () => {
      throw new Error(why);
    });
  } else {
    console.warn(`[${suite}] tests that need ${name} skipped: ${why}; CI=true requires it.`);
  }
  return undefined;
}

/** `promtool check metrics` on exposition text: its exit status and what it printed. */
export function promtoolCheckMetrics(
  promtool: string,
  text: string,
): { status: number; output: string } {
  const r = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
  if (r.error) throw r.error;
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}
