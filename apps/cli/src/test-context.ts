import type { CliContext } from './cli-context.js';

/** A {@link CliContext} whose output is captured, for running commands in-process in tests. */
export interface TestContext extends CliContext {
  /** Everything written to stdout so far. */
  readonly output: () => string;
  /** Everything written to stderr so far. */
  readonly errors: () => string;
}

/**
 * Creates a context that captures stdout and stderr.
 * @param options - `cwd` (default `process.cwd()`), `env` (default `{}`), `stdin` text.
 */
export function createTestContext(
  options: { cwd?: string; env?: Record<string, string | undefined>; stdin?: string } = {},
): TestContext {
  let stdout = '';
  let stderr = '';
  return {
    stdout: { write: (text: string) => (stdout += text), isTTY: false },
    stderr: { write: (text: string) => (stderr += text), isTTY: false },
    cwd: options.cwd ?? process.cwd(),
    env: options.env ?? {},
    readStdin: async () => options.stdin ?? '',
    output: () => stdout,
    errors: () => stderr,
  };
}
