import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { directorySource } from '@albert-ts/core';
import {
  TRAINING_TOLERANCE,
  TrainingError,
  verifyTrainingHead,
  type TrainingFixture,
  type TrainingHeadReport,
  type VerifyTrainingHeadOptions,
} from '@albert-ts/training';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import { backendByName } from '../backend-by-name.js';
import type { CliCommand } from '../cli-command.js';

const FLAGS = {
  backend: {
    type: 'string',
    description: 'comma-separated backends: node-cpu, node-webgpu, node-cuda, node-wasm (default node-cpu)',
    valueName: 'NAMES',
  },
  head: {
    type: 'string',
    description: 'only this head key of training.json (repeatable)',
    valueName: 'KEY',
    multiple: true,
  },
} as const;

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new TrainingError('TRAINING_BAD_STATE', `cannot read ${path} (${(error as Error).message})`, { file: path });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new TrainingError('TRAINING_BAD_STATE', `${path} is not JSON (${(error as Error).message})`, { file: path });
  }
}

/**
 * `albert verify-training MODEL_DIR TRAINING_DIR`: runs a training fixture directory (the format of
 * `fixtures/training/<model>`) and prints per head the loss, max gradient and parameter differences
 * and pass/fail; exit code 1 on any failure.
 */
export const verifyTrainingCommand: CliCommand = {
  name: 'verify-training',
  summary: 'check losses, gradients and AdamW steps against a training fixture (PyTorch reference)',
  usage: 'verify-training MODEL_DIR TRAINING_DIR [--backend node-cpu,node-wasm] [--head KEY]',
  help: [
    'MODEL_DIR holds config.json, the weights, cases.json and the head sub-directories (fixtures/models/<m>);',
    'TRAINING_DIR holds training.json and <head>.grads / .after-1-step / .after-3-steps.safetensors',
    `(fixtures/training/<m>). Tolerances: loss and gradients ${TRAINING_TOLERANCE.gradient.absolute} + ${TRAINING_TOLERANCE.gradient.relative}·|ref|,`,
    `one AdamW step ${TRAINING_TOLERANCE.oneStep} absolute, losses before each full step ${TRAINING_TOLERANCE.threeStepLoss} relative.`,
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'example:',
    '  albert verify-training fixtures/models/tiny fixtures/training/tiny --backend node-cpu,node-wasm',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 2,
      maxPositionals: 2,
      positionalNames: ['MODEL_DIR', 'TRAINING_DIR'],
    });
    const modelDirectory = resolve(context.cwd, positionals[0] as string);
    const trainingDirectory = resolve(context.cwd, positionals[1] as string);
    const fixture = (await readJson(join(trainingDirectory, 'training.json'))) as TrainingFixture;
    if (
      typeof fixture !== 'object' ||
      fixture === null ||
      typeof fixture.heads !== 'object' ||
      typeof fixture.optimizer !== 'object'
    ) {
      throw new TrainingError(
        'TRAINING_BAD_STATE',
        `${join(trainingDirectory, 'training.json')} has no heads/optimizer`,
        { file: join(trainingDirectory, 'training.json') },
      );
    }
    const cases = (await readJson(join(modelDirectory, 'cases.json'))) as VerifyTrainingHeadOptions['cases'];
    const heads = flags.head.length === 0 ? Object.keys(fixture.heads) : flags.head;
    const backends = (flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => backendByName(name));
    let passed = true;
    const results: Record<string, unknown>[] = [];
    for (const backend of backends) {
      const probe = await backend.probe();
      if (!probe.available) {
        passed = false;
        context.stderr.write(`${backend.name}: unavailable: ${probe.reason}\n`);
        results.push({ backend: backend.name, available: false, reason: probe.reason, passed: false });
        continue;
      }
      const reports: TrainingHeadReport[] = [];
      for (const head of heads) {
        context.signal?.throwIfAborted();
        const report = await verifyTrainingHead({
          backend,
          modelSource: (checkpoint) =>
            directorySource(checkpoint === '.' ? modelDirectory : join(modelDirectory, checkpoint)),
          trainingSource: directorySource(trainingDirectory),
          fixture,
          cases,
          head,
        });
        reports.push(report);
        passed &&= report.pass;
        context.stderr.write(
          `${backend.name} ${head}: ${report.pass ? 'pass' : 'FAIL'} (loss diff ${report.lossDiff.toExponential(2)}, max grad diff ${report.maxGradDiff.toExponential(2)}, ` +
            `one-step max diff ${report.oneStepMaxDiff.toExponential(2)}, 3-step loss rel diff ${report.threeStepLossMaxRelDiff.toExponential(2)})${report.problems.length === 0 ? '' : ` ${report.problems.join('; ')}`}\n`,
        );
      }
      results.push({
        backend: backend.name,
        available: true,
        passed: reports.every((report) => report.pass),
        heads: reports,
      });
    }
    context.stdout.write(
      `${JSON.stringify({ model: modelDirectory, training: trainingDirectory, tolerance: TRAINING_TOLERANCE, passed, backends: results }, null, 2)}\n`,
    );
    return passed ? 0 : 1;
  },
};
