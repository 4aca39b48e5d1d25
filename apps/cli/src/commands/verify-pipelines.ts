import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { decodeUtf8Text, directorySource, selectBackend } from '@albert-ts/core';
import { parsePipelineCases, runPipelineCases } from '@albert-ts/pipelines';
import { backendByName } from '../backend-by-name.js';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { defaultModelDirectory } from '../default-model.js';

const FLAGS = {
  backend: {
    type: 'string',
    short: 'b',
    description:
      'comma-separated backends to verify on, each in turn: node-cpu, node-webgpu, node-cuda, node-wasm (default node-cpu)',
    valueName: 'NAMES',
  },
  only: { type: 'string', description: 'only this case id (repeatable)', valueName: 'ID', multiple: true },
} as const;

/**
 * The directory of a model named in a case file: next to the file; `demo` is `demo/` there, else
 * `../demo-model/` (the layout of the shared fixtures), else the demo model embedded in the CLI.
 */
function modelDirectory(casesDirectory: string, name: string): string {
  if (name !== 'demo') return join(casesDirectory, name);
  for (const candidate of [join(casesDirectory, 'demo'), join(casesDirectory, '..', 'demo-model')])
    if (existsSync(join(candidate, 'config.json'))) return candidate;
  return defaultModelDirectory();
}

/** `albert verify-pipelines fixtures/pipelines/cases.json`: Python pipeline() outputs reproduced? */
export const verifyPipelinesCommand: CliCommand = {
  name: 'verify-pipelines',
  summary:
    "check that the task pipelines reproduce Python's pipeline() outputs (a case file of fixtures/pipelines' format)",
  usage: 'verify-pipelines <CASES.json> [--backend NAMES] [--only ID]',
  help: [
    'Runs every case of a pipeline case file (the format of fixtures/pipelines/cases.json: task, model directory,',
    'tokenizer, inputs, Python keyword arguments, expected output) and compares each result with the expected',
    'one: scores within 1e-4, everything else identical. Model directories are next to the case file',
    '(tokenizer files in tokenizer/). Prints {"backend", "total", "passed", "failed"} per backend on stdout',
    'and, for each failure, the case id and its differences on stderr; exits 1 if any case fails.',
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'examples:',
    '  albert verify-pipelines fixtures/pipelines/cases.json',
    '  albert verify-pipelines fixtures/pipelines/cases.json --backend node-cpu,node-wasm',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['<CASES.json>'],
    });
    const file = resolve(context.cwd, positionals[0] as string);
    const cases = parsePipelineCases(
      decodeUtf8Text(await readFile(file), positionals[0] as string),
      positionals[0] as string,
    );
    const directory = dirname(file);
    const names = (flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    let failed = 0;
    for (const name of names) {
      const backend = await selectBackend([backendByName(name)]);
      const report = await runPipelineCases(cases, {
        backend,
        source: (model) => directorySource(modelDirectory(directory, model)),
        ...(flags.only.length === 0 ? {} : { only: flags.only }),
      });
      for (const result of report.results) {
        if (result.passed) continue;
        context.stderr.write(
          `FAIL ${result.id} (${result.task}, ${name}):\n${result.differences
            .slice(0, 20)
            .map((line) => `  ${line}`)
            .join('\n')}\n`,
        );
      }
      context.stdout.write(
        `${JSON.stringify({ backend: name, total: report.total, passed: report.passed, failed: report.failed })}\n`,
      );
      failed += report.failed;
    }
    return failed === 0 ? 0 : 1;
  },
};
