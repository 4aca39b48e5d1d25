import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AlbertError } from '@albert-ts/config';
import { loadPretrainedWeights } from './load-pretrained-weights.js';
import { directorySource } from './sources/directory-source.js';
import { fixturePath } from './test-fixtures.js';

interface ManifestEntry {
  readonly name: string;
  readonly file: string;
  readonly problem: string;
  readonly dangerous_globals?: string[];
  readonly missing_key?: string;
}

const manifest = JSON.parse(readFileSync(fixturePath('checkpoints/bad/manifest.json'), 'utf8')) as {
  entries: ManifestEntry[];
};

/** The typed error each bad fixture must give, and what its message must name besides the file. */
const EXPECTED: Readonly<Record<string, { code: string; mentions: string[]; details?: Record<string, unknown> }>> = {
  'malicious-pickle': {
    code: 'CHECKPOINT_DISALLOWED_GLOBAL',
    mentions: ['posix.system'],
    details: { key: 'posix.system' },
  },
  'malicious-pickle-eval': {
    code: 'CHECKPOINT_DISALLOWED_GLOBAL',
    mentions: ['__builtin__.eval'],
    details: { key: '__builtin__.eval' },
  },
  'malicious-pickle-legacy': {
    code: 'CHECKPOINT_DISALLOWED_GLOBAL',
    mentions: ['posix.system'],
    details: { key: 'posix.system' },
  },
  'truncated-safetensors': {
    code: 'CHECKPOINT_TRUNCATED',
    mentions: ['truncated', 'albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight'],
  },
  'header-size-1tb': { code: 'CHECKPOINT_HEADER_TOO_LARGE', mentions: ['1099511627776', 'exceeds the file size'] },
  'overlapping-offsets': {
    code: 'CHECKPOINT_OVERLAPPING_OFFSETS',
    mentions: ['albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.bias', 'overlapping'],
    details: { key: 'albert.encoder.albert_layer_groups.0.albert_layers.0.attention.query.bias' },
  },
  'offsets-out-of-bounds': {
    code: 'CHECKPOINT_OFFSETS_OUT_OF_BOUNDS',
    mentions: ['sop_classifier.classifier.weight', 'outside'],
    details: { key: 'sop_classifier.classifier.weight' },
  },
  'offsets-size-mismatch': {
    code: 'CHECKPOINT_SIZE_MISMATCH',
    mentions: ['albert.pooler.weight', '[36, 37]', '5184'],
    details: { key: 'albert.pooler.weight', expected: 5328, actual: 5184 },
  },
  'invalid-header-json': { code: 'CHECKPOINT_INVALID_HEADER', mentions: ['not valid JSON'] },
  'wrong-shape': {
    code: 'CHECKPOINT_SHAPE_MISMATCH',
    mentions: ['albert.embeddings.word_embeddings.weight', '[99, 17]', '[99, 16]'],
    details: { key: 'albert.embeddings.word_embeddings.weight', expected: [99, 16], actual: [99, 17] },
  },
  'config-heads-not-dividing': { code: 'CONFIG_HEADS_NOT_DIVIDING', mentions: ['36', '5'] },
  'config-groups-exceed-layers': { code: 'CONFIG_GROUPS_OUT_OF_RANGE', mentions: ['num_hidden_groups', '3', '2'] },
  'config-unknown-activation': { code: 'CONFIG_UNKNOWN_ACTIVATION', mentions: ['gelu_fancy', 'gelu_new'] },
  'missing-weight': {
    code: 'CHECKPOINT_MISSING_TENSOR',
    mentions: ['albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight'],
    details: { key: 'albert.encoder.albert_layer_groups.0.albert_layers.0.ffn.weight' },
  },
};

describe('bad checkpoints (fixtures/checkpoints/bad/manifest.json)', () => {
  it('has an expectation for every manifest entry and every directory', () => {
    const directories = readdirSync(fixturePath('checkpoints/bad'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort();
    expect(manifest.entries.map((entry) => entry.name).sort()).toEqual(directories);
    expect(Object.keys(EXPECTED).sort()).toEqual(directories);
  });

  it.each(manifest.entries.map((entry) => [entry.name, entry] as const))(
    '%s is rejected with a typed error naming the file and the problem',
    async (name, entry) => {
      const expected = EXPECTED[name]!;
      const fileName = entry.file.split('/').pop()!;
      let caught: unknown;
      try {
        await loadPretrainedWeights(directorySource(fixturePath(`checkpoints/bad/${name}`)), 'AlbertForPreTraining');
      } catch (error) {
        caught = error;
      }
      expect(caught, `${name} must not load`).toBeInstanceOf(AlbertError);
      const error = caught as AlbertError;
      expect(error.code).toBe(expected.code);
      expect(error.message).toContain(fileName);
      expect(error.details.file).toBe(fileName);
      for (const mention of expected.mentions) expect(error.message).toContain(mention);
      for (const [field, value] of Object.entries(expected.details ?? {})) expect(error.details[field]).toEqual(value);
      if (entry.dangerous_globals !== undefined)
        for (const global of entry.dangerous_globals) expect(error.message).toContain(global);
      if (entry.missing_key !== undefined) expect(error.message).toContain(entry.missing_key);
      console.log(`${name}: ${error.code}: ${error.message}`);
    },
  );
});
