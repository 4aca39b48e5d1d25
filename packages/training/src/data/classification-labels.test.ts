import { describe, expect, it } from 'vitest';
import { classificationTarget, collectLabelNames, isDefaultLabelNames, resolveLabel } from './classification-labels.js';

const at = { file: 'train.csv', line: 17 };

describe('classification labels', () => {
  it('collects sorted names, or LABEL_i for class indices; knows default labels', () => {
    expect(
      collectLabelNames(
        [
          { label: 'sports', line: 1 },
          { label: ['cooking', 'sports'], line: 2 },
        ],
        'f',
      ),
    ).toEqual(['cooking', 'sports']);
    expect(
      collectLabelNames(
        [
          { label: 2, line: 1 },
          { label: 0, line: 2 },
        ],
        'f',
      ),
    ).toEqual(['LABEL_0', 'LABEL_1', 'LABEL_2']);
    expect(() =>
      collectLabelNames(
        [
          { label: 'a', line: 1 },
          { label: 1, line: 4 },
        ],
        'f',
      ),
    ).toThrow('f: labels mix names (line 1) and class indices (line 4)');
    expect(() => collectLabelNames([{ label: 1.5, line: 3 }], 'f')).toThrow('f line 3: label 1.5 is not a class index');
    expect(isDefaultLabelNames(['LABEL_0', 'LABEL_1'])).toBe(true);
    expect(isDefaultLabelNames(['negative', 'positive'])).toBe(false);
  });

  it('resolves names and indices, and names the file, line and labels of one it does not know', () => {
    expect(resolveLabel('sports', ['sports', 'cooking'], at)).toBe(0);
    expect(resolveLabel(1, ['sports', 'cooking'], at)).toBe(1);
    expect(resolveLabel('1', ['sports', 'cooking'], at, { indexStrings: true })).toBe(1);
    expect(() => resolveLabel('sprots', ['sports', 'cooking'], at)).toThrow(
      "train.csv line 17: label 'sprots' is not one of the model's labels (sports, cooking)",
    );
    expect(() => resolveLabel(2, ['sports', 'cooking'], at)).toThrow(
      "train.csv line 17: label 2 is not a class index of the model's 2 labels (sports, cooking)",
    );
    expect(() => resolveLabel('1', ['sports', 'cooking'], at)).toThrow(
      expect.objectContaining({ code: 'TRAINING_BAD_LABELS' }) as Error,
    );
  });

  it('maps to the target of the problem type', () => {
    const labels = ['a', 'b', 'c'];
    expect(classificationTarget('b', labels, 'single_label_classification', at)).toBe(1);
    expect(classificationTarget(['a', 2], labels, 'multi_label_classification', at)).toEqual([1, 0, 1]);
    expect(classificationTarget(0.5, ['LABEL_0'], 'regression', at)).toBe(0.5);
    expect(classificationTarget(' -2.5 ', ['LABEL_0'], 'regression', at)).toBe(-2.5);
    expect(() => classificationTarget('high', ['LABEL_0'], 'regression', at)).toThrow(
      'train.csv line 17: a regression label must be a number, not "high"',
    );
    expect(() => classificationTarget(['a'], labels, 'single_label_classification', at)).toThrow(
      'a list of labels for single-label',
    );
    expect(() => classificationTarget(['a', 'zz'], labels, 'multi_label_classification', at)).toThrow(
      "label 'zz' is not one of",
    );
  });
});
