import { isAlbertError } from '@albert-ts/config';
import type { Backend } from '../backend/backend.js';
import type { ModelFileSource } from '../checkpoint/model-file-source.js';
import type { AlbertGraphFlavour } from '../graph/albert-graph.js';
import { loadAlbertModel, type AnyAlbertModel } from '../model/albert-model-class-of.js';
import { referenceHeadOf, type ReferenceCases } from './reference-cases.js';
import { REFERENCE_TOLERANCE, runReferenceCase, type OutputComparison } from './run-reference-case.js';

/** One output of one case, with its verdict. */
export interface VerifiedOutput extends OutputComparison {
  /** `maxAbsDiff ≤ tolerance` and comparable. */
  readonly pass: boolean;
}

/** The results of one checkpoint key (one head) over every case that has outputs for it. */
export interface VerifiedCheckpoint {
  /** Checkpoint key of `cases.json` (e.g. `AlbertForSequenceClassification-regression`). */
  readonly checkpoint: string;
  /** Where its weights were read from. */
  readonly source: string;
  /** `passed`, `failed`, or `skipped` (its sub-directory is absent and the root weights lack the head). */
  readonly status: 'passed' | 'failed' | 'skipped';
  /** Why it failed to load or was skipped. */
  readonly reason?: string;
  /**
   * The error code of {@link VerifiedCheckpoint.reason}: the `AlbertError`'s code, or
   * `VERIFY_RUN_FAILED` for an error without one (never absent when `reason` is set).
   */
  readonly code?: string;
  /** Per case, per output. */
  readonly cases: {
    /** Case name from `cases.json` (e.g. `padded_batch`). */
    readonly name: string;
    /** One comparison per output stored for this checkpoint key (`last_hidden_state`, `logits`, `loss`, ...). */
    readonly outputs: VerifiedOutput[];
  }[];
}

/** The report of {@link verifyReferenceModel}. */
export interface VerifyReport {
  /** Fixture model name. */
  readonly model: string;
  /** Backend name. */
  readonly backend: string;
  /** Graph flavour. */
  readonly flavour: AlbertGraphFlavour;
  /** Max abs diff allowed. */
  readonly tolerance: number;
  /** No checkpoint failed (skipped ones do not fail the report). */
  readonly passed: boolean;
  /** One entry per checkpoint key. */
  readonly checkpoints: VerifiedCheckpoint[];
}

/** Options of {@link verifyReferenceModel}. */
export interface VerifyReferenceModelOptions {
  /** Parsed `cases.json`. */
  readonly cases: ReferenceCases;
  /** The file source of a checkpoint sub-directory (`.` is the root directory). */
  readonly sourceOf: (subDirectory: string) => ModelFileSource;
  /** Backend to run on. */
  readonly backend: Backend;
  /** Graph flavour (default `plain`). */
  readonly flavour?: AlbertGraphFlavour;
  /** Only these checkpoint keys (all when absent). */
  readonly checkpoints?: readonly string[];
}

function messageOf(error: unknown): string {
  if (isAlbertError(error)) return `[${error.code}] ${error.message}`;
  return `[VERIFY_RUN_FAILED] ${error instanceof Error ? error.message : String(error)}`;
}

function codeOf(error: unknown): string {
  return isAlbertError(error) ? error.code : 'VERIFY_RUN_FAILED';
}

/**
 * Whether a load error only says that the weights lack a head's own tensors (`predictions.*`,
 * `classifier.*`, the pooler, ...): then the head is skipped. A broken file, a bad config or a missing
 * encoder/embedding tensor is a failure.
 */
function lacksOnlyHeadWeights(error: unknown): boolean {
  if (!isAlbertError(error) || error.code !== 'CHECKPOINT_MISSING_TENSOR') return false;
  const details = error.details as { missing?: unknown; key?: unknown };
  const missing = Array.isArray(details.missing) ? details.missing : [details.key];
  return (
    missing.length > 0 &&
    missing.every((key) => typeof key === 'string' && !/^(albert\.)?(embeddings|encoder)\./.test(key))
  );
}

/**
 * Runs every case of a reference fixture directory (config.json + weights + cases.json + head
 * sub-directories) on a backend and compares every stored output. A checkpoint key whose
 * sub-directory is absent runs on the root weights when they hold that head (e.g. AlbertModel,
 * AlbertForMaskedLM from AlbertForPreTraining weights) and is skipped otherwise.
 */
export async function verifyReferenceModel(options: VerifyReferenceModelOptions): Promise<VerifyReport> {
  const { cases, backend } = options;
  const flavour = options.flavour ?? 'plain';
  const results: VerifiedCheckpoint[] = [];
  for (const [checkpoint, subDirectory] of Object.entries(cases.checkpoints)) {
    if (options.checkpoints !== undefined && !options.checkpoints.includes(checkpoint)) continue;
    const head = referenceHeadOf(checkpoint);
    let source = options.sourceOf(subDirectory);
    let fallback = false;
    if (subDirectory !== '.' && !(await source.has('config.json'))) {
      source = options.sourceOf('.');
      fallback = true;
    }
    let model: AnyAlbertModel;
    try {
      model = await loadAlbertModel(head, source, { backend, flavour, initializeMissingHead: false });
    } catch (error) {
      const skipped = fallback && lacksOnlyHeadWeights(error);
      results.push({
        checkpoint,
        source: source.description,
        status: skipped ? 'skipped' : 'failed',
        reason: skipped
          ? `no ${subDirectory}/ sub-directory and the root weights do not hold ${head}: ${messageOf(error)}`
          : messageOf(error),
        code: codeOf(error),
        cases: [],
      });
      continue;
    }
    const caseResults: VerifiedCheckpoint['cases'] = [];
    let failure: string | undefined;
    let failureCode: string | undefined;
    try {
      for (const testCase of cases.cases) {
        if (testCase.outputs[checkpoint] === undefined) continue;
        const outputs = (await runReferenceCase(model, checkpoint, testCase)).map((comparison) => ({
          ...comparison,
          pass: comparison.problem === undefined && comparison.maxAbsDiff <= REFERENCE_TOLERANCE,
        }));
        caseResults.push({ name: testCase.name, outputs });
      }
    } catch (error) {
      failure = messageOf(error);
      failureCode = codeOf(error);
    } finally {
      await model.dispose();
    }
    const allPass = caseResults.every((entry) => entry.outputs.every((output) => output.pass));
    results.push({
      checkpoint,
      source: source.description,
      status: failure === undefined && allPass ? 'passed' : 'failed',
      ...(failure === undefined ? {} : { reason: failure, code: failureCode }),
      cases: caseResults,
    });
  }
  return {
    model: cases.model,
    backend: backend.name,
    flavour,
    tolerance: REFERENCE_TOLERANCE,
    passed: results.every((entry) => entry.status !== 'failed'),
    checkpoints: results,
  };
}
