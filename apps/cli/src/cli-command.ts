import type { CliContext } from './cli-context.js';

/**
 * One `albert <name>` command. Each lives in `src/commands/<name>.ts` and is listed in
 * `src/commands/index.ts`.
 *
 * `run` gets the arguments after the command name (the `--help` flag never reaches it: `runCli` prints
 * `usage` and `help` instead) and returns the exit code: 0 for success. It reports bad arguments by
 * throwing a `UsageError` (exit code 2) and failures by throwing an `AlbertError` (printed as
 * `error [CODE]: message`, exit code 1).
 */
export interface CliCommand {
  /** The word after `albert`, e.g. `fill-mask`. */
  readonly name: string;
  /** One line for `albert --help`. */
  readonly summary: string;
  /** Synopsis lines without the leading `albert `, e.g. `config show <dir|config.json> [--preset NAME]`. */
  readonly usage: string;
  /** Longer help for `albert help <name>`: options, examples. Optional. */
  readonly help?: string;
  /** Runs the command; resolves to the process exit code. */
  run(argv: readonly string[], context: CliContext): Promise<number>;
}
