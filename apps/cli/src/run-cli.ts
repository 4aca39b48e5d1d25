import { isAlbertError } from '@albert-ts/config';
import type { CliCommand } from './cli-command.js';
import type { CliContext } from './cli-context.js';
import { commands as registeredCommands } from './commands/index.js';
import { packageVersion } from './package-version.js';
import { UsageError } from './usage-error.js';
import { checkArgumentSizes } from './argument-size.js';

/** Exit codes of the `albert` command. */
export const EXIT_CODES = {
  /** The command did what was asked. */
  success: 0,
  /** A typed failure (`AlbertError`): bad model file, invalid config, backend unavailable, ... */
  failure: 1,
  /** A bad command line (`UsageError`). */
  usage: 2,
} as const;

function generalHelp(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = [
    `albert ${packageVersion()}: the ALBERT language model (exact to Hugging Face transformers) on the command line`,
    '',
    'usage: albert <command> [arguments] [options]',
    '',
    'commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    `  ${'help'.padEnd(width)}  show the options of a command: albert help <command>`,
    '',
    'options:',
    "  -h, --help     show this help, or a command's help after its name",
    '  -V, --version  print the version',
    '',
    'Errors are printed as "error [CODE]: message"; exit code 1 for errors, 2 for bad arguments.',
  ];
  return `${lines.join('\n')}\n`;
}

function commandHelp(command: CliCommand): string {
  const usage = command.usage
    .split('\n')
    .map((line, index) => `${index === 0 ? 'usage: ' : '       '}albert ${line}`)
    .join('\n');
  return `${usage}\n\n${command.summary}\n${command.help === undefined ? '' : `\n${command.help.replace(/\n*$/, '')}\n`}`;
}

function findCommand(name: string, commands: readonly CliCommand[]): CliCommand {
  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const similar = commands
      .filter((candidate) => candidate.name.startsWith(name.slice(0, 3)))
      .map((candidate) => candidate.name);
    const hint = similar.length > 0 ? `; did you mean ${similar.join(' or ')}?` : '; run "albert --help" for the list';
    throw new UsageError(`unknown command ${JSON.stringify(name)}${hint}`, { command: name });
  }
  return command;
}

function wantsHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).some((argument) => argument === '--help' || argument === '-h');
}

/**
 * Runs the `albert` command line in-process: dispatches `argv` (without `node` and the script) to a
 * command, prints typed errors as `error [CODE]: message` on stderr, and resolves to the exit code
 * ({@link EXIT_CODES}). Never throws.
 */
export async function runCli(
  argv: readonly string[],
  context: CliContext,
  commands: readonly CliCommand[] = registeredCommands,
): Promise<number> {
  let command: CliCommand | undefined;
  try {
    checkArgumentSizes(argv);
    const [first, ...rest] = argv;
    if (first === undefined) {
      context.stderr.write(generalHelp(commands));
      return EXIT_CODES.usage;
    }
    if (first === '--help' || first === '-h') {
      context.stdout.write(generalHelp(commands));
      return EXIT_CODES.success;
    }
    if (first === '--version' || first === '-V') {
      context.stdout.write(`${packageVersion()}\n`);
      return EXIT_CODES.success;
    }
    if (first === 'help') {
      if (rest.length > 1)
        throw new UsageError(`help takes one command name, got ${rest.length}`, { argument: rest[1] });
      context.stdout.write(rest[0] === undefined ? generalHelp(commands) : commandHelp(findCommand(rest[0], commands)));
      return EXIT_CODES.success;
    }
    if (first.startsWith('-'))
      throw new UsageError(`unknown option ${first}; the command comes first: albert <command> [options]`, {
        flag: first,
      });
    command = findCommand(first, commands);
    if (wantsHelp(rest)) {
      context.stdout.write(commandHelp(command));
      return EXIT_CODES.success;
    }
    return await command.run(rest, context);
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(`error [${error.code}]: ${error.message}\n`);
      if (command !== undefined) context.stderr.write(`${commandHelp(command).split('\n\n')[0]}\n`);
      return EXIT_CODES.usage;
    }
    if (isAlbertError(error)) {
      context.stderr.write(`error [${error.code}]: ${error.message}\n`);
      if (context.env['ALBERT_DEBUG'] !== undefined && error.stack !== undefined)
        context.stderr.write(`${error.stack}\n`);
      return EXIT_CODES.failure;
    }
    const message = error instanceof Error ? error.message : String(error);
    context.stderr.write(`error: ${message}\n`);
    if (error instanceof Error && error.stack !== undefined) {
      context.stderr.write(
        context.env['ALBERT_DEBUG'] !== undefined
          ? `${error.stack}\n`
          : 'This is a bug in albert-ts; set ALBERT_DEBUG=1 for the stack trace.\n',
      );
    }
    return EXIT_CODES.failure;
  }
}
