import { TrainingError } from '@albert-ts/training';
import { describe, expect, it } from 'vitest';
import { parseLabelledSet, splitHeldOut } from './labelled-examples.js';
import { twoTopicsJsonLines } from './two-topics.js';

const line = (text: string, label: string | number): string => JSON.stringify({ text, label });

function errorOf(action: () => unknown): TrainingError {
  try {
    action();
  } catch (error) {
    if (error instanceof TrainingError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('parseLabelledSet', () => {
  it('maps label names to sorted class ids and keeps line numbers', () => {
    const set = parseLabelledSet([line('stars', 'space'), '', line('bread', 'cooking')].join('\n'), 'pasted set');
    expect(set.labels).toEqual(['cooking', 'space']);
    expect(set.examples).toEqual([
      { text: 'stars', label: 1, line: 1 },
      { text: 'bread', label: 0, line: 3 },
    ]);
  });

  it('takes class indices as LABEL_<i>, and text pairs', () => {
    const set = parseLabelledSet(
      `${line('a', 1)}\n${JSON.stringify({ text: 'b', text_pair: 'c', label: 0 })}`,
      'pasted set',
    );
    expect(set.labels).toEqual(['LABEL_0', 'LABEL_1']);
    expect(set.examples[1]).toEqual({ text: 'b', textPair: 'c', label: 0, line: 2 });
  });

  it('reads the starting set: 56 sentences, two topics', () => {
    const set = parseLabelledSet(twoTopicsJsonLines(), 'pasted set');
    expect(set.labels).toEqual(['cooking', 'space']);
    expect(set.examples).toHaveLength(56);
    expect(set.examples.filter((example) => example.label === 0)).toHaveLength(28);
  });

  it('names the line of a malformed line, a bad label or a mix of names and indices', () => {
    const malformed = errorOf(() =>
      parseLabelledSet(`${line('a', 'x')}\n${line('b', 'y')}\n{"text": "c",`, 'pasted set'),
    );
    expect(malformed.code).toBe('TRAINING_BAD_BATCH');
    expect(malformed.message).toMatch(/^pasted set:3: not JSON/);
    const noText = errorOf(() => parseLabelledSet(`${line('a', 'x')}\n{"label": "y"}`, 'train.jsonl'));
    expect(noText.message).toMatch(/^train\.jsonl:2: expected an object with a string "text"/);
    const badLabel = errorOf(() => parseLabelledSet(`${line('a', 'x')}\n${line('b', -1)}`, 'pasted set'));
    expect(badLabel.code).toBe('TRAINING_BAD_LABELS');
    expect(badLabel.message).toMatch(/^pasted set:2: "label"/);
    const mixed = errorOf(() =>
      parseLabelledSet(`${line('a', 'x')}\n${line('b', 'y')}\n${line('c', 1)}`, 'pasted set'),
    );
    expect(mixed.code).toBe('TRAINING_BAD_LABELS');
    expect(mixed.message).toMatch(/^pasted set:3: label 1 mixes a class index with label names/);
  });

  it('refuses an empty set and a single label', () => {
    const empty = errorOf(() => parseLabelledSet('\n  \n', 'pasted set'));
    expect(empty.code).toBe('TRAINING_BAD_BATCH');
    expect(empty.message).toMatch(/^pasted set: no examples/);
    const single = errorOf(() => parseLabelledSet(`${line('a', 'x')}\n${line('b', 'x')}`, 'pasted set'));
    expect(single.code).toBe('TRAINING_BAD_LABELS');
    expect(single.message).toMatch(/at least two labels/);
  });
});

describe('splitHeldOut', () => {
  const set = parseLabelledSet(twoTopicsJsonLines(), 'pasted set');

  it('holds out the share of each label, the same ones for the same seed', () => {
    const { train, heldOut } = splitHeldOut(set.examples, 25);
    expect(heldOut).toHaveLength(14);
    expect(heldOut.filter((example) => example.label === 0)).toHaveLength(7);
    expect(train).toHaveLength(42);
    expect(new Set([...train, ...heldOut].map((example) => example.line)).size).toBe(56);
    expect(splitHeldOut(set.examples, 25).heldOut).toEqual(heldOut);
    expect(splitHeldOut(set.examples, 25, 1).heldOut).not.toEqual(heldOut);
  });

  it('holds out nothing at 0 % and keeps one example of each label for training', () => {
    expect(splitHeldOut(set.examples, 0).heldOut).toEqual([]);
    const two = parseLabelledSet(`${line('a', 'x')}\n${line('b', 'y')}`, 'pasted set').examples;
    expect(splitHeldOut(two, 90)).toEqual({ train: two, heldOut: [] });
  });

  it('refuses a share outside 0 to 90 %', () => {
    for (const percent of [-1, 95, Number.NaN])
      expect(errorOf(() => splitHeldOut(set.examples, percent)).code).toBe('TRAINING_BAD_OPTIONS');
  });
});
