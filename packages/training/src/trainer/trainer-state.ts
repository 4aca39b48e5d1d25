import { TrainingError } from '../training-error.js';

/** The name of the file that holds a {@link TrainerState} beside a checkpoint. */
export const TRAINER_STATE_FILE = 'trainer_state.json';

/** The largest `trainer_state.json` read (bytes): its per-parameter step counts are far below this. */
const MAXIMUM_STATE_BYTES = 16 * 1024 * 1024;

/**
 * What a resumed run needs besides the weights and the optimizer's moments (`trainer_state.json`, HF's
 * names at the boundary): the step and epoch counts and the seed, which together fix every random draw of the
 * rest of the run — the dropout masks are a pure function of `(seed, step, micro-batch)` and `fit`'s shuffle of
 * an epoch a pure function of `(seed, epoch)` — like HF's `rng_state.pth`.
 */
export interface TrainerState {
  /** The head trained (`head`). */
  readonly head: string;
  /** Optimizer steps done (`step`). */
  readonly step: number;
  /** Epochs `fit` completed (`epoch`): the next epoch's shuffle is drawn from `(seed, epoch)`. */
  readonly epoch: number;
  /** Seed of the dropout masks and of `fit`'s shuffling (`seed`). */
  readonly seed: number;
  /** Whether training ran with HF's dropouts (`dropout`, HF's `model.train()`). */
  readonly dropout: boolean;
  /** Where the optimizer ran (`optimizer_placement`; informational: placements may change between runs). */
  readonly optimizerPlacement: string;
  /** Micro-batches per step (`gradient_accumulation_steps`; informational). */
  readonly gradientAccumulationSteps: number;
  /** The optimizer type (`type`: `AdamW`, `SGD`). */
  readonly optimizerType: string;
  /** The optimizer's scalars (`scalars`: hyper-parameters and per-parameter step counts). */
  readonly optimizerScalars: Readonly<Record<string, unknown>>;
}

/**
 * `trainer_state.json` text of `state` (2-space indent, trailing newline).
 *
 * @example
 * ```ts
 * files.set(TRAINER_STATE_FILE, new TextEncoder().encode(encodeTrainerState(state)));
 * ```
 */
export function encodeTrainerState(state: TrainerState): string {
  const json = {
    head: state.head,
    step: state.step,
    epoch: state.epoch,
    seed: state.seed,
    dropout: state.dropout,
    optimizer_placement: state.optimizerPlacement,
    gradient_accumulation_steps: state.gradientAccumulationSteps,
    type: state.optimizerType,
    scalars: state.optimizerScalars,
  };
  return `${JSON.stringify(json, null, 2)}\n`;
}

/**
 * Parses and checks `trainer_state.json`: every field present with its type and range (counts and the seed
 * non-negative integers below 2⁵³, `lr` a finite number ≥ 0). Anything else is a typed error naming the file
 * and the field.
 *
 * @param bytes - the file's bytes.
 * @param description - where the file is (a directory), for the messages.
 * @throws {@link TrainingError} `TRAINING_BAD_STATE` with `file`, `field` and `value` details.
 *
 * @example
 * ```ts
 * const state = parseTrainerState(await source.read(TRAINER_STATE_FILE), source.description);
 * state.seed; // the seed of the saved run
 * ```
 */
export function parseTrainerState(bytes: Uint8Array, description: string): TrainerState {
  const where = `${TRAINER_STATE_FILE} in ${description}`;
  const fail = (field: string, problem: string, value?: unknown): never => {
    throw new TrainingError('TRAINING_BAD_STATE', `${where}: ${field} ${problem}`, {
      file: TRAINER_STATE_FILE,
      field,
      ...(value === undefined ? {} : { value: describe(value) }),
    });
  };
  if (bytes.length > MAXIMUM_STATE_BYTES)
    fail('(file)', `is ${bytes.length} bytes, more than the ${MAXIMUM_STATE_BYTES} a trainer state can need`);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    fail('(file)', `is not UTF-8 JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('(file)', 'is not a JSON object');
  const record = json as Record<string, unknown>;
  const field = (name: string): unknown => {
    if (!Object.hasOwn(record, name)) fail(name, 'is missing (a trainer state saved by an older albert-ts?)');
    return record[name];
  };
  const count = (name: string, minimum = 0): number => {
    const value = field(name);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < minimum)
      fail(name, `must be an integer from ${minimum} to 2⁵³ − 1, not ${describe(value)}`, value);
    return value as number;
  };
  const text = (name: string): string => {
    const value = field(name);
    if (typeof value !== 'string' || value.length === 0 || value.length > 256)
      fail(name, `must be a non-empty string, not ${describe(value)}`, value);
    return value as string;
  };
  const head = text('head');
  const step = count('step');
  const epoch = count('epoch');
  const seed = count('seed');
  const dropout = field('dropout');
  if (typeof dropout !== 'boolean') fail('dropout', `must be true or false, not ${describe(dropout)}`, dropout);
  const optimizerPlacement = text('optimizer_placement');
  if (!['typescript', 'update-graph', 'fused'].includes(optimizerPlacement))
    fail(
      'optimizer_placement',
      `must be typescript, update-graph or fused, not ${describe(optimizerPlacement)}`,
      optimizerPlacement,
    );
  const gradientAccumulationSteps = count('gradient_accumulation_steps', 1);
  const optimizerType = text('type');
  const scalars = field('scalars');
  if (typeof scalars !== 'object' || scalars === null || Array.isArray(scalars))
    fail('scalars', `must be an object, not ${describe(scalars)}`, scalars);
  const lr = (scalars as Record<string, unknown>)['lr'];
  if (lr !== undefined && !(typeof lr === 'number' && Number.isFinite(lr) && lr >= 0))
    fail('scalars.lr', `must be a finite number ≥ 0, not ${describe(lr)}`, lr);
  return {
    head,
    step,
    epoch,
    seed,
    dropout: dropout as boolean,
    optimizerPlacement,
    gradientAccumulationSteps,
    optimizerType,
    optimizerScalars: scalars as Record<string, unknown>,
  };
}

/** A short rendering of a JSON value for a message. */
function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
