import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseReferenceCases } from './reference-cases.js';

const fixture = (path: string): string =>
  readFileSync(fileURLToPath(new URL(`../../../../fixtures/${path}`, import.meta.url)), 'utf8');

describe('parseReferenceCases', () => {
  it('reads a cases.json with its checkpoints and cases', () => {
    const cases = parseReferenceCases(fixture('models/tiny/cases.json'));
    expect(cases.model).toBe('tiny');
    expect(cases.checkpoints['AlbertForPreTraining']).toBe('.');
    expect(cases.cases.map((entry) => entry.name)).toContain('padded_batch');
  });

  it.each(['fp16-safetensors', 'bf16-safetensors'])(
    'reads the single-case expected.json of %s as one case on the directory itself',
    (variant) => {
      const text = fixture(`checkpoints/${variant}/expected.json`);
      const json = JSON.parse(text) as { inputs: unknown; labels: unknown; outputs: unknown };
      const cases = parseReferenceCases(text, 'expected.json');
      expect(cases.model).toBe('tiny');
      expect(cases.checkpoints).toEqual({ AlbertModel: '.', AlbertForPreTraining: '.' });
      expect(cases.cases).toHaveLength(1);
      const [only] = cases.cases;
      expect(only?.name).toBe('padded_batch');
      expect(only?.kind).toBe('standard');
      expect(only?.inputs).toEqual(json.inputs);
      expect(only?.labels).toEqual(json.labels);
      expect(only?.outputs).toEqual(json.outputs);
    },
  );

  it('rejects a single-case file without outputs, or with an unknown head, naming the file', () => {
    expect(() =>
      parseReferenceCases(JSON.stringify({ format_version: 1, case: 'x', inputs: {} }), 'expected.json'),
    ).toThrow(
      expect.objectContaining({ code: 'VERIFY_INVALID_CASES', message: expect.stringContaining('expected.json') }),
    );
    expect(() =>
      parseReferenceCases(
        JSON.stringify({ format_version: 1, case: 'x', inputs: {}, outputs: { BertModel: {} } }),
        'expected.json',
      ),
    ).toThrow(
      expect.objectContaining({ code: 'VERIFY_UNKNOWN_CHECKPOINT', message: expect.stringContaining('BertModel') }),
    );
    expect(() =>
      parseReferenceCases(JSON.stringify({ format_version: 2, case: 'x', inputs: {}, outputs: {} }), 'expected.json'),
    ).toThrow(expect.objectContaining({ code: 'VERIFY_INVALID_CASES' }));
  });
});
