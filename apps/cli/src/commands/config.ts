import { ALBERT_PRESET_NAMES, AlbertConfig, isAlbertPresetName } from '@albert-ts/config';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { readConfigFile } from '../read-config-file.js';
import { UsageError } from '../usage-error.js';

const SHOW_FLAGS = {
  preset: {
    type: 'string',
    description: 'show a published configuration instead of a file',
    valueName: 'NAME',
    choices: ALBERT_PRESET_NAMES,
  },
} as const;

/**
 * `albert config show <dir|config.json>`: prints the resolved config (every field, HF defaults filled
 * in, unknown fields kept) as config.json; `albert config show --preset albert-base-v2` prints a preset;
 * `albert config presets` lists the presets.
 */
export const configCommand: CliCommand = {
  name: 'config',
  summary: "show a model's resolved config.json (defaults filled in), or a preset",
  usage: 'config show <dir|config.json>\nconfig show --preset NAME\nconfig presets',
  help: [
    'Reads config.json (or <dir>/config.json), validates it and prints every field as JSON,',
    'with Hugging Face defaults for the fields the file leaves out. An invalid file is an error',
    'that names the field and value, e.g. error [CONFIG_GROUPS_OUT_OF_RANGE]: num_hidden_groups (3) ...',
    '',
    'options of config show:',
    formatFlagHelp(SHOW_FLAGS),
    '',
    'examples:',
    '  albert config show apps/cli/demo-model',
    '  albert config show --preset albert-base-v2',
  ].join('\n'),
  async run(argv, context) {
    const [subcommand, ...rest] = argv;
    if (subcommand === 'presets') {
      parseArguments(rest, { flags: {}, maxPositionals: 0 });
      context.stdout.write(`${ALBERT_PRESET_NAMES.join('\n')}\n`);
      return 0;
    }
    if (subcommand !== 'show') {
      throw new UsageError(
        subcommand === undefined
          ? 'missing subcommand: show or presets'
          : `unknown subcommand ${JSON.stringify(subcommand)}; use show or presets`,
        {
          argument: subcommand,
        },
      );
    }
    const { flags, positionals } = parseArguments(rest, {
      flags: SHOW_FLAGS,
      maxPositionals: 1,
      positionalNames: ['<dir|config.json>'],
    });
    const [path] = positionals;
    let config: AlbertConfig;
    if (flags.preset !== undefined) {
      if (path !== undefined)
        throw new UsageError('give either a path or --preset, not both', { argument: path, flag: '--preset' });
      if (!isAlbertPresetName(flags.preset))
        throw new UsageError(`unknown preset ${flags.preset}`, { flag: '--preset', value: flags.preset });
      config = AlbertConfig.preset(flags.preset);
    } else {
      if (path === undefined)
        throw new UsageError('missing <dir|config.json> (or --preset NAME)', { argument: '<dir|config.json>' });
      config = await readConfigFile(path, context.cwd);
    }
    context.stdout.write(config.toJSONText());
    return 0;
  },
};
