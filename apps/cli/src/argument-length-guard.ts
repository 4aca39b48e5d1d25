import { AlbertError } from '@albert-ts/config';

/**
 * Default upper bound on the UTF-8 size of one command-line argument: 16 KiB.
 *
 * onnxruntime-node 1.30 recurses without bound (and the process dies with SIGSEGV, exit 139, nothing
 * printed) when it creates a session in a process whose argv holds an argument of about 28–30 KB or more.
 * The CLI never opens a session in that state: {@link checkArgumentLengths} refuses such a command line
 * first. Long texts go through a file (`--input <file>`) or standard input.
 */
export const DEFAULT_MAX_ARGUMENT_BYTES = 16 * 1024;

/** Environment variable that changes {@link DEFAULT_MAX_ARGUMENT_BYTES} (at the user's risk above ~28 KB). */
export const MAX_ARGUMENT_BYTES_VARIABLE = 'ALBERT_MAX_ARGUMENT_BYTES';

/** A command-line argument too long to run onnxruntime safely in this process (`CLI_ARGUMENT_TOO_LONG`). */
export class ArgumentTooLongError extends AlbertError {
  /** Always `CLI_ARGUMENT_TOO_LONG`. */
  declare readonly code: 'CLI_ARGUMENT_TOO_LONG';

  /**
   * @param message - what is too long and what to do instead.
   * @param details - `index` (position in argv), `bytes`, `limit`.
   */
  constructor(message: string, details: Record<string, unknown>) {
    super('CLI_ARGUMENT_TOO_LONG', message, details);
  }
}

/**
 * Throws {@link ArgumentTooLongError} when an argument of `argv` is longer than the limit (UTF-8 bytes):
 * `ALBERT_MAX_ARGUMENT_BYTES` from `environment` when it is a positive integer, else
 * {@link DEFAULT_MAX_ARGUMENT_BYTES}. Called first by the CLI entry, before anything can load onnxruntime.
 *
 * @example
 * ```ts
 * checkArgumentLengths(process.argv.slice(2), process.env); // throws for a 40 KB text argument
 * ```
 */
export function checkArgumentLengths(argv: readonly string[], environment: Readonly<Record<string, string | undefined>> = {}): void {
  const setting = environment[MAX_ARGUMENT_BYTES_VARIABLE];
  const parsed = setting !== undefined && /^\d{1,12}$/.test(setting.trim()) ? Number(setting.trim()) : 0;
  const limit = parsed > 0 ? parsed : DEFAULT_MAX_ARGUMENT_BYTES;
  const encoder = new TextEncoder();
  argv.forEach((argument, index) => {
    // A UTF-16 string of n units is at most 3n UTF-8 bytes: only measure the candidates.
    if (argument.length * 3 <= limit) return;
    const bytes = encoder.encode(argument).byteLength;
    if (bytes <= limit) return;
    const preview = JSON.stringify(argument.slice(0, 40));
    throw new ArgumentTooLongError(
      `argument ${index + 1} (${preview}…) is ${bytes} bytes, more than the ${limit} bytes a command-line argument may have ` +
        '(onnxruntime crashes in processes with very long arguments): pass long texts through a file (--input <file>) ' +
        `or standard input instead (${MAX_ARGUMENT_BYTES_VARIABLE} changes the limit)`,
      { index, bytes, limit },
    );
  });
}
