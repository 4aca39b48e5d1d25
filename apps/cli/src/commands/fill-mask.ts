import { parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { defaultModelDirectory } from '../default-model.js';
import { readConfigFile } from '../read-config-file.js';

// Placeholder until the model code lands: the core engineer replaces this file with the real command.

/** `albert fill-mask "<text with [MASK]>"`: for now prints the default model's config (the model code is not there yet). */
export const fillMaskCommand: CliCommand = {
  name: 'fill-mask',
  summary: 'predict the [MASK] tokens of a text (placeholder: shows the default model\'s config)',
  usage: 'fill-mask "<text with [MASK]>" [--model DIR]',
  async run(argv, context) {
    const { flags } = parseArguments(argv, {
      flags: { model: { type: 'string', description: 'model directory (default: the embedded demo model)', valueName: 'DIR' } },
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['<text>'],
    });
    const directory = flags.model ?? defaultModelDirectory();
    const config = await readConfigFile(directory, context.cwd);
    context.stderr.write(`fill-mask is not implemented yet; the model it will use (${flags.model ?? 'the embedded demo model'}) has this config:\n`);
    context.stdout.write(config.toJSONText());
    return 0;
  },
};
