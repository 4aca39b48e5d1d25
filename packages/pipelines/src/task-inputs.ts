import { PipelineError } from './pipeline-error.js';

/**
 * Checks that `text` is a non-empty string (whitespace alone counts as empty).
 * @throws {@link PipelineError} `PIPELINE_INVALID_INPUT` for a non-string, `PIPELINE_EMPTY_INPUT` for an empty text.
 */
export function checkText(task: string, field: string, text: unknown, index?: number): string {
  const where = index === undefined ? field : `${field} ${index}`;
  if (typeof text !== 'string') {
    throw new PipelineError(
      'PIPELINE_INVALID_INPUT',
      `${task}: ${where} must be a string, got ${text === null ? 'null' : Array.isArray(text) ? 'an array' : typeof text}`,
      {
        task,
        field,
        ...(index === undefined ? {} : { index }),
        value: text === null ? null : typeof text,
      },
    );
  }
  if (text.trim() === '') {
    throw new PipelineError('PIPELINE_EMPTY_INPUT', `${task}: ${where} is empty; give a text to work on`, {
      task,
      field,
      ...(index === undefined ? {} : { index }),
      value: text,
    });
  }
  return text;
}

/**
 * One input or a batch: returns the items and whether a batch was given.
 * @throws {@link PipelineError} `PIPELINE_EMPTY_INPUT` for an empty batch.
 */
export function batchOf<T>(
  task: string,
  inputs: T | readonly T[],
  isItem: (value: unknown) => boolean = (value) => !Array.isArray(value),
): {
  /** The inputs. */
  items: T[];
  /** Whether an array was given. */
  batched: boolean;
} {
  if (Array.isArray(inputs) && !isItem(inputs)) {
    if (inputs.length === 0)
      throw new PipelineError('PIPELINE_EMPTY_INPUT', `${task}: the batch is empty; give at least one input`, {
        task,
        field: 'inputs',
      });
    return { items: [...(inputs as readonly T[])], batched: true };
  }
  return { items: [inputs as T], batched: false };
}

/**
 * Checks an integer option against a lower bound.
 * @throws {@link PipelineError} `PIPELINE_INVALID_OPTION` naming the option and the value.
 */
export function checkIntegerOption(task: string, name: string, value: unknown, minimum: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${task}: ${name} must be an integer >= ${minimum}, got ${JSON.stringify(value)}`,
      { task, field: name, value, expected: `>= ${minimum}` },
    );
  }
  return value;
}

/**
 * Checks a string option against its choices.
 * @throws {@link PipelineError} `PIPELINE_INVALID_OPTION` naming the option, the value and the choices.
 */
export function checkChoiceOption<T extends string>(
  task: string,
  name: string,
  value: unknown,
  choices: readonly T[],
): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new PipelineError(
      'PIPELINE_INVALID_OPTION',
      `${task}: ${name} must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}, got ${JSON.stringify(value)}`,
      {
        task,
        field: name,
        value,
        expected: [...choices],
      },
    );
  }
  return value as T;
}
