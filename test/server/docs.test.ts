/**
 * docs/server.md's route table is the route declarations, regenerated from allRoutes():
 * a route added, removed or given other roles fails here until the table is updated
 * (`VIGIL_UPDATE_DOCS=1 npx vitest run test/server/docs.test.ts` rewrites it).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { allRoutes } from "../../src/server/assemble.js";
import { declaredRoles, openApiPath } from "../../src/server/openapi.js";

const DOC = new URL("../../docs/server.md", import.meta.url);
const START = "<!-- routes:start -->";
const END = "<!-- routes:end -->";

function table(): string {
  const rows = allRoutes().map((r) => {
    const roles = declaredRoles(r).join(", ");
    const scope = r.modelParam ? " (model scope)" : "";
    return `| \`${r.method} ${openApiPath(r.path)}\` | ${roles}${scope} | ${r.summary.replace(/\|/g, "\\|")} |`;
  });
  return ["| route | roles | what |", "|---|---|---|", ...rows].join("\n");
}

it("docs/server.md lists every route with its declared roles", () => {
  const text = readFileSync(DOC, "utf8");
  const start = text.indexOf(START);
  const end = text.indexOf(END);
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  const current = text.slice(start + START.length, end).trim();
  const expected = table();
  if (process.env.VIGIL_UPDATE_DOCS === "1" && current !== expected) {
    writeFileSync(DOC, `${text.slice(0, start + START.length)}\n${expected}\n${text.slice(end)}`);
    return;
  }
  expect(current).toBe(expected);
});
