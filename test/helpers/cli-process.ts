/**
 * The `vigil` command as a real child process without `npm run build`: src/ is transpiled
 * (no type check, like `tsc` with isolatedModules) into a temp directory laid out as the
 * package is (bin/, dist/, package.json, schemas/), with node_modules linked to the repo's.
 * Built once per test process and removed at exit; each file's output is cached by its
 * content hash in the OS temp directory, so later runs only transpile what changed.
 *
 *   const bin = transpiledCli();
 *   const child = spawn(process.execPath, [bin, "serve", "--port", "0"], { cwd });
 */
import { createHash } from "node:crypto";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CACHE = join(tmpdir(), "vigil-cli-transpile-cache");
let built: string | undefined;

function* tsFiles(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* tsFiles(p);
    else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) yield p;
  }
}

function transpile(file: string): string {
  const source = readFileSync(file, "utf8");
  const key = createHash("sha256").update(ts.version).update("\0").update(source).digest("hex");
  const cached = join(CACHE, `${key}.js`);
  if (existsSync(cached)) return readFileSync(cached, "utf8");
  const js = ts.transpileModule(source, {
    fileName: file,
    compilerOptions: {
      // ESM output (transpileModule cannot see package.json's "type": "module").
      module: ts.ModuleKind.ES2022,
      target: ts.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
    },
  }).outputText;
  mkdirSync(CACHE, { recursive: true });
  // write then rename: parallel test workers never read a half-written file
  const tmp = `${cached}.${process.pid}.tmp`;
  writeFileSync(tmp, js);
  renameSync(tmp, cached);
  return js;
}

/** Path of a `bin/vigil.js` that runs the current sources. */
export function transpiledCli(): string {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), "vigil-cli-"));
  process.once("exit", () => rmSync(root, { recursive: true, force: true }));
  const src = join(REPO, "src");
  for (const file of tsFiles(src)) {
    const out = join(root, "dist", relative(src, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, transpile(file));
  }
  cpSync(join(REPO, "bin"), join(root, "bin"), { recursive: true });
  cpSync(join(REPO, "package.json"), join(root, "package.json"));
  symlinkSync(join(REPO, "schemas"), join(root, "schemas"));
  symlinkSync(join(REPO, "node_modules"), join(root, "node_modules"));
  built = join(root, "bin", "vigil.js");
  return built;
}
