/** Where a command writes text: `process.stdout`/`process.stderr` in the real CLI, a buffer in tests. */
export interface CliWriter {
  /** Writes `text` as is (add your own newline). */
  write(text: string): unknown;
  /** True when the stream is a terminal (progress bars draw only then). */
  readonly isTTY?: boolean | undefined;
  /** Terminal width in characters, when known. */
  readonly columns?: number | undefined;
}

/**
 * Everything a command may use from its environment, passed in so that tests run commands in-process
 * with captured output (see `createTestContext` in `test-context.ts`).
 */
export interface CliContext {
  /** Results (JSON, tables): what a user pipes into another program. */
  readonly stdout: CliWriter;
  /** Diagnostics, warnings and progress. Errors are written here by `runCli`. */
  readonly stderr: CliWriter;
  /** Directory that relative paths on the command line are resolved against. */
  readonly cwd: string;
  /** Environment variables (e.g. `HF_HOME`, `ALBERT_BACKEND`). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input as UTF-8 text (for commands that accept `-` as the input). */
  readStdin(): Promise<string>;
  /** Aborted when the user interrupts (Ctrl-C); long work should stop early. */
  readonly signal?: AbortSignal | undefined;
}
