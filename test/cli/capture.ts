import type { CliIO } from "../../src/cli/io.js";
import { main } from "../../src/cli/main.js";

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI in-process with captured output, as a user at a terminal (tty) or in a pipe.
 * The environment is only `env` (default empty), so nothing leaks in from the test runner.
 */
export async function vigil(
  argv: string[],
  opts: { cwd?: string; tty?: boolean; env?: Record<string, string> } = {},
): Promise<Captured> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdoutIsTTY: opts.tty ?? false,
    stderrIsTTY: opts.tty ?? false,
    cwd: opts.cwd ?? process.cwd(),
    env: opts.env ?? {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
