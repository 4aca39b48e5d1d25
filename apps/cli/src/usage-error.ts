import { AlbertError } from '@albert-ts/config';

/**
 * A bad command line: unknown command or flag, missing value, wrong number of arguments. `runCli` prints
 * it as `error [CLI_USAGE]: message` followed by the command's usage, and exits with code 2.
 */
export class UsageError extends AlbertError {
  /** Always `CLI_USAGE`. */
  declare readonly code: 'CLI_USAGE';

  /**
   * @param message - what is wrong, naming the argument or flag.
   * @param details - structured context (`argument`, `flag`, `value`, `command`).
   */
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CLI_USAGE', message, details);
  }
}
