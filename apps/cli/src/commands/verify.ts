import { resolve, join } from 'node:path';
import { readFile } from 'node:fs/promises';
import {
  decodeUtf8Text,
  directorySource,
  parseReferenceCases,
  REFERENCE_TOLERANCE,
  VerifyError,
  verifyReferenceModel,
  type AlbertGraphFlavour,
  type ModelFileSource,
  type VerifyReport,
} from '@albert-ts/core';
import { isAlbertError } from '@albert-ts/config';
import { backendByName } from '../backend-by-name.js';
import { formatFlagHelp, parseArguments } from '../arguments.js';
import type { CliCommand } from '../cli-command.js';
import { HUB_FLAGS, localDirectoryOf, resolveModelLocation } from './model-location.js';

const FLAGS = {
  backend: {
    type: 'string',
    description:
      'comma-separated backends to verify on: node-cpu, node-webgpu, node-cuda, node-wasm (default node-cpu)',
    valueName: 'NAMES',
  },
  cases: { type: 'string', description: 'reference cases file (default DIR/cases.json)', valueName: 'FILE' },
  checkpoint: {
    type: 'string',
    description: 'only this checkpoint key of cases.json (repeatable)',
    valueName: 'KEY',
    multiple: true,
  },
  flavour: {
    type: 'string',
    description: 'graph flavour: plain (standard ONNX ops, default) or fused (onnxruntime contrib ops)',
    valueName: 'NAME',
    choices: ['plain', 'fused'],
  },
  ...HUB_FLAGS,
} as const;

/**
 * The files of `subDirectory` of a model that is not a local directory (a Hub snapshot): `name` is read
 * as `subDirectory/name`; a name the source refuses counts as absent.
 */
function subDirectorySource(root: ModelFileSource, subDirectory: string): ModelFileSource {
  const path = (name: string): string => `${subDirectory}/${name}`;
  return {
    description: `${root.description}/${subDirectory}`,
    has: async (name) => {
      try {
        return await root.has(path(name));
      } catch {
        return false;
      }
    },
    read: (name) => root.read(path(name)),
    readText: (name) => root.readText(path(name)),
  };
}

/** Per output of one head: the largest difference over the cases, and per case. */
interface OutputSummary {
  maxAbsDiff: number | null;
  pass: boolean;
  problem?: string;
  /** Why it failed: `VERIFY_OUTPUT_MISMATCH` (shape/kind) or `VERIFY_TOLERANCE_EXCEEDED`. */
  code?: string;
  cases: Record<string, number | null>;
}

function summarize(report: VerifyReport): Record<string, unknown> {
  const heads: Record<string, unknown> = {};
  for (const checkpoint of report.checkpoints) {
    const outputs: Record<string, OutputSummary> = {};
    for (const testCase of checkpoint.cases) {
      for (const output of testCase.outputs) {
        const entry = (outputs[output.output] ??= { maxAbsDiff: 0, pass: true, cases: {} });
        const diff = Number.isNaN(output.maxAbsDiff) ? null : output.maxAbsDiff;
        entry.cases[testCase.name] = diff;
        entry.maxAbsDiff = diff === null || entry.maxAbsDiff === null ? null : Math.max(entry.maxAbsDiff, diff);
        entry.pass &&= output.pass;
        if (output.problem !== undefined) entry.problem = `${testCase.name}: ${output.problem}`;
        if (!entry.pass)
          entry.code = entry.problem === undefined ? 'VERIFY_TOLERANCE_EXCEEDED' : 'VERIFY_OUTPUT_MISMATCH';
      }
    }
    heads[checkpoint.checkpoint] = {
      status: checkpoint.status,
      source: checkpoint.source,
      ...(checkpoint.reason === undefined ? {} : { reason: checkpoint.reason, code: checkpoint.code }),
      outputs,
    };
  }
  return { backend: report.backend, available: true, flavour: report.flavour, passed: report.passed, heads };
}

/**
 * `albert verify DIR`: runs every case of a reference fixture directory (config.json + weights +
 * cases.json + head sub-directories) and prints a JSON report per backend, head and output.
 */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'check a model directory or Hub id against reference outputs (cases.json): max abs diff per head/output',
  usage:
    'verify DIR|ID [--backend node-cpu,node-webgpu] [--cases FILE] [--checkpoint KEY] [--flavour plain|fused] [--revision REV] [--offline]',
  help: [
    "Runs every case of cases.json on DIR's weights and compares every stored output (hidden states,",
    'attentions, logits, losses) with the reference; the tolerance is 1e-4 (max abs diff). A checkpoint',
    "key whose sub-directory DIR lacks runs on DIR's own weights when they hold that head (e.g.",
    'AlbertModel and AlbertForMaskedLM from AlbertForPreTraining weights) and is skipped otherwise.',
    'Exit code 1 when any output fails or a requested backend is unavailable. FILE may also be a',
    'single-case expected.json (case, inputs, labels, outputs; e.g. of a half-precision checkpoint),',
    "whose outputs all come from DIR's own weights. DIR may be a Hugging Face Hub id.",
    '',
    'options:',
    formatFlagHelp(FLAGS),
    '',
    'examples:',
    '  albert verify fixtures/models/tiny',
    '  albert verify converted-tiny --cases fixtures/models/tiny/cases.json --backend node-cpu,node-webgpu',
    '  albert verify fixtures/checkpoints/fp16-safetensors --cases fixtures/checkpoints/fp16-safetensors/expected.json',
  ].join('\n'),
  async run(argv, context) {
    const { flags, positionals } = parseArguments(argv, {
      flags: FLAGS,
      minPositionals: 1,
      maxPositionals: 1,
      positionalNames: ['DIR'],
    });
    // a local directory, or a Hub id (downloaded into the Hugging Face cache)
    const root = await resolveModelLocation(positionals[0] as string, flags, context);
    const isHub = 'snapshotDir' in root;
    const directory = isHub ? null : localDirectoryOf(root);
    const sourceOf = (subDirectory: string): ModelFileSource => {
      if (subDirectory === '.') return root;
      return directory === null
        ? subDirectorySource(root, subDirectory)
        : directorySource(join(directory, subDirectory));
    };
    let casesFile: string;
    let casesText: string;
    if (flags.cases !== undefined || directory !== null) {
      casesFile =
        flags.cases === undefined ? join(directory as string, 'cases.json') : resolve(context.cwd, flags.cases);
      let casesBytes: Uint8Array;
      try {
        casesBytes = await readFile(casesFile);
      } catch (error) {
        throw new VerifyError(
          'VERIFY_CASES_NOT_FOUND',
          `cannot read the reference cases ${casesFile} (${(error as Error).message}); pass --cases FILE`,
          { file: casesFile },
        );
      }
      casesText = decodeUtf8Text(casesBytes, casesFile);
    } else {
      casesFile = `${root.description}/cases.json`;
      try {
        casesText = await root.readText('cases.json');
      } catch (error) {
        if (isAlbertError(error, 'CHECKPOINT_INVALID_TEXT')) throw error;
        throw new VerifyError(
          'VERIFY_CASES_NOT_FOUND',
          `cannot read the reference cases ${casesFile} (${(error as Error).message}); pass --cases FILE`,
          { file: casesFile },
        );
      }
    }
    const cases = parseReferenceCases(casesText, casesFile);
    const backends = (flags.backend ?? context.env['ALBERT_BACKEND'] ?? 'node-cpu')
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '')
      .map((name) => backendByName(name));
    const results: Record<string, unknown>[] = [];
    let passed = true;
    for (const backend of backends) {
      const probe = await backend.probe();
      if (!probe.available) {
        passed = false;
        results.push({ backend: backend.name, available: false, reason: probe.reason, passed: false });
        context.stderr.write(`${backend.name}: unavailable: ${probe.reason}\n`);
        continue;
      }
      const report = await verifyReferenceModel({
        cases,
        backend,
        sourceOf,
        ...(flags.checkpoint.length === 0 ? {} : { checkpoints: flags.checkpoint }),
        ...(flags.flavour === undefined ? {} : { flavour: flags.flavour as AlbertGraphFlavour }),
      });
      passed &&= report.passed;
      for (const checkpoint of report.checkpoints) {
        const worst = Math.max(
          0,
          ...checkpoint.cases.flatMap((testCase) =>
            testCase.outputs.map((output) => (Number.isNaN(output.maxAbsDiff) ? Infinity : output.maxAbsDiff)),
          ),
        );
        const failing = checkpoint.cases.flatMap((testCase) => testCase.outputs.filter((output) => !output.pass));
        const outputCode = failing.some((output) => output.problem !== undefined)
          ? 'VERIFY_OUTPUT_MISMATCH'
          : 'VERIFY_TOLERANCE_EXCEEDED';
        // every failure line carries a code, like the "error [CODE]: ..." lines of other commands
        const detail =
          checkpoint.reason !== undefined
            ? checkpoint.reason
            : failing.length > 0
              ? `[${outputCode}] max abs diff ${worst.toExponential(2)} over tolerance ${REFERENCE_TOLERANCE}`
              : `max abs diff ${worst.toExponential(2)}`;
        context.stderr.write(`${backend.name} ${checkpoint.checkpoint}: ${checkpoint.status} (${detail})\n`);
      }
      results.push(summarize(report));
    }
    context.stdout.write(
      `${JSON.stringify({ directory: directory ?? root.description, cases: casesFile, model: cases.model, tolerance: REFERENCE_TOLERANCE, passed, backends: results }, null, 2)}\n`,
    );
    return passed ? 0 : 1;
  },
};
