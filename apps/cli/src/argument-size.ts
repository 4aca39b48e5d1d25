import { AlbertError } from '@albert-ts/config';

/**
 * The longest command-line argument accepted (bytes of UTF-8). onnxruntime-node crashes while creating
 * a session in a process whose argv holds an argument of about 30 KB, so longer texts go through
 * `--input FILE` or standard input instead.
 */
export const MAX_ARGUMENT_BYTES = 16 * 1024;

/** The most bytes all arguments together may take (see {@link MAX_ARGUMENT_BYTES}). */
export const MAX_ARGUMENTS_TOTAL_BYTES = 64 * 1024;

/**
 * A command-line argument too long to be safe: `CLI_ARGUMENT_TOO_LONG`. `details` holds the argument's
 * `index`, its `bytes` and the `limit`.
 */
export class ArgumentTooLongError extends AlbertError {
  /** Always `CLI_ARGUMENT_TOO_LONG`. */
  declare readonly code: 'CLI_ARGUMENT_TOO_LONG';

  /**
   * @param message - what is too long, and what to use instead.
   * @param details - `index`, `bytes`, `limit`.
   */
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CLI_ARGUMENT_TOO_LONG', message, details);
  }
}

/**
 * Refuses arguments of {@link MAX_ARGUMENT_BYTES} or more (or {@link MAX_ARGUMENTS_TOTAL_BYTES} in all)
 * before anything loads onnxruntime.
 * @throws {@link ArgumentTooLongError} pointing to `--input FILE` / standard input.
 */
export function checkArgumentSizes(argv: readonly string[]): void {
  const encoder = new TextEncoder();
  let total = 0;
  argv.forEach((argument, index) => {
    const bytes = encoder.encode(argument).length;
    total += bytes;
    if (bytes >= MAX_ARGUMENT_BYTES) {
      throw new ArgumentTooLongError(
        `argument ${index + 1} is ${bytes} bytes (the limit is ${MAX_ARGUMENT_BYTES - 1}): pass long texts with --input FILE (JSON Lines, one input per line) or on standard input (--input -)`,
        { index, bytes, limit: MAX_ARGUMENT_BYTES - 1 },
      );
    }
  });
  if (total >= MAX_ARGUMENTS_TOTAL_BYTES) {
    throw new ArgumentTooLongError(
      `the arguments take ${total} bytes (the limit is ${MAX_ARGUMENTS_TOTAL_BYTES - 1}): pass the texts with --input FILE (JSON Lines) or on standard input (--input -)`,
      {
        bytes: total,
        limit: MAX_ARGUMENTS_TOTAL_BYTES - 1,
      },
    );
  }
}
