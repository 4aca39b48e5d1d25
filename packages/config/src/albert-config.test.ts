import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ALBERT_CONFIG_DEFAULTS,
  ALBERT_CONFIG_FIELD_NAMES,
  ALBERT_PRESET_NAMES,
  AlbertConfig,
  AlbertError,
  ConfigError,
  HIDDEN_ACTIVATIONS,
  POSITION_EMBEDDING_TYPES,
  PROBLEM_TYPES,
  fromHfFieldName,
  isAlbertError,
  isHiddenAct,
  toHfFieldName,
  type AlbertConfigFieldName,
  type AlbertConfigInit,
  type AlbertPresetName,
} from './index.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');

/** Runs `action`, expects a ConfigError, returns it. */
function configError(action: () => unknown): ConfigError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(AlbertError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

// Every field: its HF key, HF default, and a non-default value that a config.json may hold.
const FIELDS: readonly [AlbertConfigFieldName, string, unknown, unknown][] = [
  ['vocabSize', 'vocab_size', 30000, 99],
  ['embeddingSize', 'embedding_size', 128, 16],
  ['hiddenSize', 'hidden_size', 4096, 36],
  ['numHiddenLayers', 'num_hidden_layers', 12, 7],
  ['numHiddenGroups', 'num_hidden_groups', 1, 2],
  ['numAttentionHeads', 'num_attention_heads', 64, 6],
  ['intermediateSize', 'intermediate_size', 16384, 37],
  ['innerGroupNum', 'inner_group_num', 1, 3],
  ['hiddenAct', 'hidden_act', 'gelu_new', 'relu'],
  ['hiddenDropoutProb', 'hidden_dropout_prob', 0, 0.1],
  ['attentionProbsDropoutProb', 'attention_probs_dropout_prob', 0, 0.2],
  ['maxPositionEmbeddings', 'max_position_embeddings', 512, 128],
  ['typeVocabSize', 'type_vocab_size', 2, 16],
  ['initializerRange', 'initializer_range', 0.02, 0.05],
  ['layerNormEps', 'layer_norm_eps', 1e-12, 1e-5],
  ['classifierDropoutProb', 'classifier_dropout_prob', 0.1, 0.3],
  ['positionEmbeddingType', 'position_embedding_type', 'absolute', 'relative_key_query'],
  ['padTokenId', 'pad_token_id', 0, 1],
  ['bosTokenId', 'bos_token_id', 2, null],
  ['eosTokenId', 'eos_token_id', 3, 5],
  ['problemType', 'problem_type', null, 'multi_label_classification'],
  ['architectures', 'architectures', null, ['AlbertForMaskedLM']],
  ['modelType', 'model_type', 'albert', 'albert'],
  ['tieWordEmbeddings', 'tie_word_embeddings', true, false],
  ['outputAttentions', 'output_attentions', false, true],
  ['outputHiddenStates', 'output_hidden_states', false, true],
  ['dtype', 'dtype', null, 'float16'],
  ['numLabels', 'num_labels', 2, 4],
  ['id2label', 'id2label', { 0: 'LABEL_0', 1: 'LABEL_1' }, { 0: 'neg', 1: 'neutral', 2: 'pos', 3: 'other' }],
  ['label2id', 'label2id', { LABEL_0: 0, LABEL_1: 1 }, { neg: 0, neutral: 1, pos: 2, other: 3 }],
];

describe('field mapping', () => {
  it('maps every field once, both ways', () => {
    const camel = FIELDS.map(([field]) => field).sort();
    expect(Object.keys(ALBERT_CONFIG_FIELD_NAMES).sort()).toEqual(camel);
    expect(new Set(Object.values(ALBERT_CONFIG_FIELD_NAMES)).size).toBe(camel.length);
    for (const [field, key] of FIELDS) {
      expect(toHfFieldName(field)).toBe(key);
      expect(fromHfFieldName(key)).toBe(field);
    }
    expect(fromHfFieldName('transformers_version')).toBeUndefined();
  });

  it('has a default for every field', () => {
    expect(Object.keys(ALBERT_CONFIG_DEFAULTS).sort()).toEqual(
      [...FIELDS.map(([field]) => field), 'extraFields'].sort(),
    );
  });
});

describe('AlbertConfig.fromJSON', () => {
  it('fills every missing field with the HF default', () => {
    const config = AlbertConfig.fromJSON({});
    for (const [field, , defaultValue] of FIELDS) expect(config[field], field).toEqual(defaultValue);
    expect(config.extraFields).toEqual({});
    expect(config.attentionHeadSize).toBe(64);
  });

  it('reads every field', () => {
    const json: Record<string, unknown> = {};
    for (const [, key, , value] of FIELDS) json[key] = value;
    const config = AlbertConfig.fromJSON(json);
    for (const [field, , , value] of FIELDS) expect(config[field], field).toEqual(value);
    expect(config.attentionHeadSize).toBe(6);
    expect(AlbertConfig.fromJSON(config.toJSON()).toJSON()).toEqual(config.toJSON());
    for (const [, key, , value] of FIELDS) expect(config.toJSON()[key], key).toEqual(value);
  });

  it('accepts every supported activation and position embedding type', () => {
    for (const hiddenAct of HIDDEN_ACTIVATIONS)
      expect(AlbertConfig.fromJSON({ hidden_act: hiddenAct }).hiddenAct).toBe(hiddenAct);
    for (const type of POSITION_EMBEDDING_TYPES)
      expect(AlbertConfig.fromJSON({ position_embedding_type: type }).positionEmbeddingType).toBe(type);
    for (const type of PROBLEM_TYPES) expect(AlbertConfig.fromJSON({ problem_type: type }).problemType).toBe(type);
  });

  it('supports every activation the issue names, and only element-wise ones', () => {
    for (const name of [
      'gelu',
      'gelu_new',
      'gelu_fast',
      'gelu_pytorch_tanh',
      'quick_gelu',
      'relu',
      'silu',
      'swish',
      'mish',
      'tanh',
      'linear',
    ]) {
      expect(isHiddenAct(name), name).toBe(true);
    }
    expect(isHiddenAct('prelu')).toBe(false);
    expect(isHiddenAct('xielu')).toBe(false);
    expect(isHiddenAct(42)).toBe(false);
  });

  it('keeps unknown fields and writes them back', () => {
    const config = AlbertConfig.fromJSON({ transformers_version: '4.57.6', gap_size: 0, nested: { a: [1, 2] } });
    expect(config.extraFields).toEqual({ transformers_version: '4.57.6', gap_size: 0, nested: { a: [1, 2] } });
    const json = config.toJSON();
    expect(json['transformers_version']).toBe('4.57.6');
    expect(json['nested']).toEqual({ a: [1, 2] });
    expect(Object.isFrozen(config.extraFields['nested'])).toBe(true);
  });

  it('does not alias the caller object', () => {
    const source = { nested: { a: 1 }, architectures: ['AlbertModel'] };
    const config = AlbertConfig.fromJSON(source);
    source.nested.a = 2;
    source.architectures.push('X');
    expect(config.extraFields['nested']).toEqual({ a: 1 });
    expect(config.architectures).toEqual(['AlbertModel']);
  });

  it('reads torch_dtype (older files) and writes it back under the same key', () => {
    const old = AlbertConfig.fromJSON({ torch_dtype: 'float32' });
    expect(old.dtype).toBe('float32');
    expect(old.toJSON()['torch_dtype']).toBe('float32');
    expect(old.toJSON()).not.toHaveProperty('dtype');
    const both = AlbertConfig.fromJSON({ torch_dtype: 'float16', dtype: 'bfloat16' });
    expect(both.dtype).toBe('bfloat16');
    expect(both.toJSON()['torch_dtype']).toBe('float16');
    expect(both.toJSON()['dtype']).toBe('bfloat16');
  });

  it('writes keys sorted, like save_pretrained, and only the inherited fields that are set', () => {
    const json = AlbertConfig.fromJSON({}).toJSON();
    expect(Object.keys(json)).toEqual(Object.keys(json).sort());
    for (const key of [
      'architectures',
      'problem_type',
      'id2label',
      'label2id',
      'num_labels',
      'dtype',
      'tie_word_embeddings',
      'output_attentions',
    ]) {
      expect(json, key).not.toHaveProperty(key);
    }
    expect(json['model_type']).toBe('albert');
  });

  it('is immutable', () => {
    const config = AlbertConfig.fromJSON({ id2label: { 0: 'a' } });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.id2label)).toBe(true);
    expect(() => {
      (config as { hiddenSize: number }).hiddenSize = 1;
    }).toThrow(TypeError);
  });
});

describe('labels (HF rules)', () => {
  it('defaults to two labels LABEL_0/LABEL_1 when id2label is absent', () => {
    const config = AlbertConfig.fromJSON({});
    expect(config.numLabels).toBe(2);
    expect(config.id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1' });
    expect(config.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1 });
  });

  it('takes num_labels from the size of id2label; keys are strings in JSON', () => {
    const config = AlbertConfig.fromJSON({ id2label: { '0': 'neg', '1': 'neu', '2': 'pos' } });
    expect(config.numLabels).toBe(3);
    expect(config.id2label[2]).toBe('pos');
    expect(config.label2id).toEqual({ neg: 0, neu: 1, pos: 2 });
    const json = config.toJSON();
    expect(json['id2label']).toEqual({ '0': 'neg', '1': 'neu', '2': 'pos' });
    expect(Object.keys(json['id2label'] as object)).toEqual(['0', '1', '2']);
    expect(json).not.toHaveProperty('num_labels');
  });

  it('generates LABEL_i names from num_labels alone', () => {
    const config = AlbertConfig.fromJSON({ num_labels: 1 });
    expect(config.id2label).toEqual({ 0: 'LABEL_0' });
    expect(config.toJSON()['num_labels']).toBe(1);
    expect(config.toJSON()['id2label']).toEqual({ '0': 'LABEL_0' });
  });

  it('keeps explicit default labels in the output when the source had them', () => {
    const json = AlbertConfig.fromJSON({ id2label: { 0: 'LABEL_0', 1: 'LABEL_1' } }).toJSON();
    expect(json['id2label']).toEqual({ '0': 'LABEL_0', '1': 'LABEL_1' });
    expect(json['label2id']).toEqual({ LABEL_0: 0, LABEL_1: 1 });
  });

  it('follows HF in with(): numLabels regenerates names, id2label sets numLabels', () => {
    const base = AlbertConfig.fromJSON({ id2label: { 0: 'a', 1: 'b', 2: 'c' } });
    expect(base.with({ numLabels: 3 }).id2label).toEqual({ 0: 'a', 1: 'b', 2: 'c' });
    expect(base.with({ numLabels: 2 }).id2label).toEqual({ 0: 'LABEL_0', 1: 'LABEL_1' });
    const relabelled = base.with({ id2label: { 0: 'x', 1: 'y' } });
    expect(relabelled.numLabels).toBe(2);
    expect(relabelled.label2id).toEqual({ x: 0, y: 1 });
    expect(base.with({ hiddenAct: 'relu' }).id2label).toEqual(base.id2label);
  });
});

describe('validation errors name the field, value and file', () => {
  const cases: readonly [string, Record<string, unknown>, string, RegExp][] = [
    [
      'hidden_size not divisible',
      { hidden_size: 36, num_attention_heads: 5 },
      'CONFIG_HEADS_NOT_DIVIDING',
      /hidden_size \(36\) is not a multiple of num_attention_heads \(5\)/,
    ],
    [
      'groups above layers',
      { num_hidden_layers: 2, num_hidden_groups: 3 },
      'CONFIG_GROUPS_OUT_OF_RANGE',
      /num_hidden_groups \(3\) must be between 1 and num_hidden_layers \(2\)/,
    ],
    [
      'zero groups',
      { num_hidden_groups: 0 },
      'CONFIG_GROUPS_OUT_OF_RANGE',
      /num_hidden_groups \(0\) must be between 1 and num_hidden_layers \(12\)/,
    ],
    ['negative groups', { num_hidden_groups: -1 }, 'CONFIG_GROUPS_OUT_OF_RANGE', /num_hidden_groups \(-1\)/],
    ['inner_group_num 0', { inner_group_num: 0 }, 'CONFIG_NOT_POSITIVE', /inner_group_num must be positive, got 0/],
    [
      'unknown hidden_act',
      { hidden_act: 'gelu_fancy' },
      'CONFIG_UNKNOWN_ACTIVATION',
      /hidden_act "gelu_fancy" is not a supported activation; supported: gelu, .*gelu_new/,
    ],
    ['non-string hidden_act', { hidden_act: 3 }, 'CONFIG_UNKNOWN_ACTIVATION', /hidden_act 3/],
    [
      'unknown position type',
      { position_embedding_type: 'rotary' },
      'CONFIG_UNKNOWN_POSITION_EMBEDDING_TYPE',
      /position_embedding_type "rotary" is not supported; supported: absolute, relative_key, relative_key_query/,
    ],
    ['unknown problem type', { problem_type: 'ranking' }, 'CONFIG_UNKNOWN_PROBLEM_TYPE', /problem_type "ranking"/],
    ['zero vocab', { vocab_size: 0 }, 'CONFIG_NOT_POSITIVE', /vocab_size must be positive, got 0/],
    ['negative hidden', { hidden_size: -768 }, 'CONFIG_NOT_POSITIVE', /hidden_size must be positive, got -768/],
    ['zero embedding', { embedding_size: 0 }, 'CONFIG_NOT_POSITIVE', /embedding_size/],
    ['zero layers', { num_hidden_layers: 0 }, 'CONFIG_NOT_POSITIVE', /num_hidden_layers/],
    ['zero heads', { num_attention_heads: 0 }, 'CONFIG_NOT_POSITIVE', /num_attention_heads/],
    ['zero intermediate', { intermediate_size: 0 }, 'CONFIG_NOT_POSITIVE', /intermediate_size/],
    ['zero positions', { max_position_embeddings: 0 }, 'CONFIG_NOT_POSITIVE', /max_position_embeddings/],
    ['zero type vocab', { type_vocab_size: 0 }, 'CONFIG_NOT_POSITIVE', /type_vocab_size/],
    [
      'fractional layers',
      { num_hidden_layers: 12.5 },
      'CONFIG_NOT_INTEGER',
      /num_hidden_layers must be an integer, got 12.5/,
    ],
    [
      'fractional groups',
      { num_hidden_groups: 1.5 },
      'CONFIG_NOT_INTEGER',
      /num_hidden_groups must be an integer, got 1.5/,
    ],
    ['fractional token id', { pad_token_id: 0.5 }, 'CONFIG_NOT_INTEGER', /pad_token_id must be an integer, got 0.5/],
    [
      'string size',
      { hidden_size: '768' },
      'CONFIG_INVALID_TYPE',
      /hidden_size must be a positive integer, got a string \("768"\)/,
    ],
    ['null size', { vocab_size: null }, 'CONFIG_INVALID_TYPE', /vocab_size .* got null/],
    [
      'dropout above 1',
      { hidden_dropout_prob: 1.5 },
      'CONFIG_OUT_OF_RANGE',
      /hidden_dropout_prob must be between 0 and 1, got 1.5/,
    ],
    ['negative dropout', { attention_probs_dropout_prob: -0.1 }, 'CONFIG_OUT_OF_RANGE', /attention_probs_dropout_prob/],
    ['classifier dropout', { classifier_dropout_prob: 2 }, 'CONFIG_OUT_OF_RANGE', /classifier_dropout_prob/],
    ['zero eps', { layer_norm_eps: 0 }, 'CONFIG_OUT_OF_RANGE', /layer_norm_eps must be > 0, got 0/],
    ['negative init range', { initializer_range: -1 }, 'CONFIG_OUT_OF_RANGE', /initializer_range/],
    ['negative token id', { eos_token_id: -1 }, 'CONFIG_OUT_OF_RANGE', /eos_token_id must be ≥ 0, got -1/],
    [
      'pad beyond vocab',
      { vocab_size: 10, pad_token_id: 10 },
      'CONFIG_OUT_OF_RANGE',
      /pad_token_id \(10\) must be less than vocab_size \(10\)/,
    ],
    ['string flag', { tie_word_embeddings: 'yes' }, 'CONFIG_INVALID_TYPE', /tie_word_embeddings must be true or false/],
    [
      'architectures not array',
      { architectures: 'AlbertModel' },
      'CONFIG_INVALID_TYPE',
      /architectures must be an array of strings/,
    ],
    ['dtype not string', { dtype: 32 }, 'CONFIG_INVALID_TYPE', /dtype must be a string or null/],
    ['wrong model type', { model_type: 'bert' }, 'CONFIG_WRONG_MODEL_TYPE', /model_type "bert" is not "albert"/],
    [
      'num_labels vs id2label',
      { num_labels: 3, id2label: { 0: 'a', 1: 'b' } },
      'CONFIG_LABELS_INCONSISTENT',
      /num_labels \(3\) does not match the 2 entries of id2label/,
    ],
    [
      'id2label key out of range',
      { id2label: { 0: 'a', 5: 'b' } },
      'CONFIG_LABELS_INCONSISTENT',
      /id2label key "5" is not a class index between 0 and 1/,
    ],
    ['id2label key not a number', { id2label: { zero: 'a' } }, 'CONFIG_LABELS_INCONSISTENT', /id2label key "zero"/],
    ['id2label value not string', { id2label: { 0: 1 } }, 'CONFIG_INVALID_TYPE', /id2label\[0\] must be a string/],
    ['id2label not object', { id2label: ['a', 'b'] }, 'CONFIG_INVALID_TYPE', /id2label must be an object/],
    ['empty id2label', { id2label: {} }, 'CONFIG_NOT_POSITIVE', /id2label must have at least one entry/],
    [
      'label2id index out of range',
      { id2label: { 0: 'a', 1: 'b' }, label2id: { a: 0, b: 2 } },
      'CONFIG_LABELS_INCONSISTENT',
      /label2id\["b"\] = 2 is not a class index between 0 and 1/,
    ],
    [
      'label2id wrong size',
      { id2label: { 0: 'a', 1: 'b', 2: 'c' }, label2id: { a: 0, b: 1 } },
      'CONFIG_LABELS_INCONSISTENT',
      /label2id has 2 entries but id2label names 3 distinct labels/,
    ],
    [
      'label2id without id2label, wrong size',
      { num_labels: 2, label2id: { a: 0, b: 1, c: 1 } },
      'CONFIG_LABELS_INCONSISTENT',
      /label2id has 3 entries/,
    ],
    ['zero num_labels', { num_labels: 0 }, 'CONFIG_NOT_POSITIVE', /num_labels must be positive, got 0/],
  ];

  for (const [name, json, code, message] of cases) {
    it(`${name}: ${code}`, () => {
      const error = configError(() => AlbertConfig.fromJSON(json, { file: '/models/x/config.json' }));
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(error.message).toContain('/models/x/config.json');
      expect(error.details.file).toBe('/models/x/config.json');
      expect(typeof error.details.field).toBe('string');
      expect(error.message).toContain(String(error.details.field));
      expect(isAlbertError(error, code)).toBe(true);
    });
  }

  it('rejects text that is not JSON and JSON that is not an object', () => {
    expect(configError(() => AlbertConfig.parse('{"vocab_size": ', { file: 'c.json' })).code).toBe(
      'CONFIG_INVALID_JSON',
    );
    const notObject = configError(() => AlbertConfig.parse('[1, 2]', { file: 'c.json' }));
    expect(notObject.code).toBe('CONFIG_NOT_AN_OBJECT');
    expect(notObject.message).toContain('c.json');
    expect(configError(() => AlbertConfig.fromJSON(null)).code).toBe('CONFIG_NOT_AN_OBJECT');
  });

  it('accepts uneven layer-to-group splits', () => {
    const config = AlbertConfig.fromJSON({ num_hidden_layers: 7, num_hidden_groups: 2 });
    expect(config.numHiddenGroups).toBe(2);
  });

  it('validates with() overrides like a file', () => {
    const base = AlbertConfig.preset('albert-base-v2');
    expect(configError(() => base.with({ numAttentionHeads: 5 })).code).toBe('CONFIG_HEADS_NOT_DIVIDING');
    expect(configError(() => base.with({ numHiddenGroups: 13 })).message).toMatch(
      /num_hidden_groups \(13\) must be between 1 and num_hidden_layers \(12\)/,
    );
    expect(configError(() => base.with({ hiddenAct: 'nope' as never })).code).toBe('CONFIG_UNKNOWN_ACTIVATION');
    expect(configError(() => base.with({ vocabSize: Number.NaN })).code).toBe('CONFIG_OUT_OF_RANGE');
    expect(configError(() => base.with({ numLabels: 3, id2label: { 0: 'a' } })).code).toBe(
      'CONFIG_LABELS_INCONSISTENT',
    );
    expect(configError(() => base.with({ hiddenSizes: 3 } as unknown as Partial<AlbertConfigInit>)).code).toBe(
      'CONFIG_UNKNOWN_FIELD',
    );
    expect(configError(() => base.with({ extraFields: { hidden_size: 3 } })).code).toBe('CONFIG_INVALID_TYPE');
  });
});

describe('with()', () => {
  it('returns a new validated config and leaves the original alone', () => {
    const base = AlbertConfig.preset('albert-base-v2');
    const changed = base.with({ numHiddenLayers: 7, numHiddenGroups: 2, extraFields: { note: 'x' } });
    expect(changed).not.toBe(base);
    expect(changed.numHiddenLayers).toBe(7);
    expect(base.numHiddenLayers).toBe(12);
    expect(changed.toJSON()['note']).toBe('x');
    expect(changed.hiddenSize).toBe(768);
  });

  it('AlbertConfig.create starts from the HF defaults', () => {
    expect(AlbertConfig.create().toJSON()).toEqual(AlbertConfig.fromJSON({}).toJSON());
    expect(AlbertConfig.create({ hiddenSize: 128, numAttentionHeads: 2 }).attentionHeadSize).toBe(64);
  });
});

describe('groupIndexOfLayer', () => {
  const group = (layers: number, groups: number): number[] => {
    const config = AlbertConfig.fromJSON({ num_hidden_layers: layers, num_hidden_groups: groups });
    return Array.from({ length: layers }, (_, index) => config.groupIndexOfLayer(index));
  };

  it('matches HF int(i / (L / G)) on known splits', () => {
    expect(group(12, 1)).toEqual(Array(12).fill(0));
    expect(group(6, 3)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(group(7, 2)).toEqual([0, 0, 0, 0, 1, 1, 1]);
    expect(group(12, 5)).toEqual([0, 0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 4]);
    expect(group(3, 3)).toEqual([0, 1, 2]);
    expect(group(10, 3)).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
  });

  it('uses every group, in order, for every split up to 48 layers', () => {
    for (let layers = 1; layers <= 48; layers += 1) {
      for (let groups = 1; groups <= layers; groups += 1) {
        const indices = group(layers, groups);
        expect(new Set(indices).size).toBe(groups);
        expect(indices).toEqual([...indices].sort((a, b) => a - b));
        expect(indices.at(-1)).toBe(groups - 1);
      }
    }
  });

  it('rejects layer indices outside the model', () => {
    const config = AlbertConfig.fromJSON({ num_hidden_layers: 2 });
    for (const index of [-1, 2, 0.5])
      expect(configError(() => config.groupIndexOfLayer(index)).code).toBe('CONFIG_LAYER_OUT_OF_RANGE');
  });
});

describe('presets', () => {
  // [name, L, H, heads, I, hidden_act, dropout]: the values of albert/<name>/config.json on the Hub.
  const PRESETS: readonly [AlbertPresetName, number, number, number, number, string, number][] = [
    ['albert-base-v1', 12, 768, 12, 3072, 'gelu', 0.1],
    ['albert-large-v1', 24, 1024, 16, 4096, 'gelu', 0.1],
    ['albert-xlarge-v1', 24, 2048, 16, 8192, 'gelu', 0.1],
    ['albert-xxlarge-v1', 12, 4096, 64, 16384, 'gelu', 0],
    ['albert-base-v2', 12, 768, 12, 3072, 'gelu_new', 0],
    ['albert-large-v2', 24, 1024, 16, 4096, 'gelu_new', 0],
    ['albert-xlarge-v2', 24, 2048, 16, 8192, 'gelu_new', 0],
    ['albert-xxlarge-v2', 12, 4096, 64, 16384, 'gelu_new', 0],
  ];

  it('lists all eight presets', () => {
    expect([...ALBERT_PRESET_NAMES].sort()).toEqual(PRESETS.map(([name]) => name).sort());
  });

  for (const [name, layers, hidden, heads, intermediate, act, dropout] of PRESETS) {
    it(name, () => {
      const config = AlbertConfig.preset(name);
      expect(config.numHiddenLayers).toBe(layers);
      expect(config.hiddenSize).toBe(hidden);
      expect(config.numAttentionHeads).toBe(heads);
      expect(config.intermediateSize).toBe(intermediate);
      expect(config.hiddenAct).toBe(act);
      expect(config.hiddenDropoutProb).toBe(dropout);
      expect(config.attentionProbsDropoutProb).toBe(dropout);
      expect(config.vocabSize).toBe(30000);
      expect(config.embeddingSize).toBe(128);
      expect(config.numHiddenGroups).toBe(1);
      expect(config.innerGroupNum).toBe(1);
      expect(config.maxPositionEmbeddings).toBe(512);
      expect(config.typeVocabSize).toBe(2);
      expect(config.initializerRange).toBe(0.02);
      expect(config.layerNormEps).toBe(1e-12);
      expect(config.classifierDropoutProb).toBe(0.1);
      expect(config.positionEmbeddingType).toBe('absolute');
      expect([config.padTokenId, config.bosTokenId, config.eosTokenId]).toEqual([0, 2, 3]);
      expect(config.architectures).toEqual(['AlbertForMaskedLM']);
      expect(config.attentionHeadSize).toBe(hidden / heads);
      expect(AlbertConfig.preset(`albert/${name}` as AlbertPresetName).toJSON()).toEqual(config.toJSON());
    });
  }

  it('v1 and v2 differ in activation and dropout only', () => {
    for (const size of ['base', 'large', 'xlarge', 'xxlarge']) {
      const v1 = AlbertConfig.preset(`albert-${size}-v1` as AlbertPresetName).toJSON();
      const v2 = AlbertConfig.preset(`albert-${size}-v2` as AlbertPresetName).toJSON();
      const differing = Object.keys(v1).filter((key) => JSON.stringify(v1[key]) !== JSON.stringify(v2[key]));
      expect(differing).toEqual(
        size === 'xxlarge' ? ['hidden_act'] : ['attention_probs_dropout_prob', 'hidden_act', 'hidden_dropout_prob'],
      );
    }
  });

  it('rejects unknown presets with the list of known ones', () => {
    const error = configError(() => AlbertConfig.preset('albert-huge-v3' as AlbertPresetName));
    expect(error.code).toBe('CONFIG_UNKNOWN_PRESET');
    expect(error.message).toContain('albert-base-v2');
  });
});

describe('round trip of every config.json in the repository fixtures', () => {
  function findConfigs(directory: string): string[] {
    const found: string[] = [];
    for (const entry of readdirSync(directory)) {
      const path = join(directory, entry);
      if (statSync(path).isDirectory()) found.push(...findConfigs(path));
      else if (entry === 'config.json') found.push(path);
    }
    return found;
  }
  const files = [...findConfigs(join(repoRoot, 'fixtures')), join(repoRoot, 'apps/cli/demo-model/config.json')];
  // Fixture configs that are invalid on purpose, and the error each must raise.
  const invalid: Record<string, string> = {
    'fixtures/checkpoints/bad/config-groups-exceed-layers/config.json': 'CONFIG_GROUPS_OUT_OF_RANGE',
    'fixtures/checkpoints/bad/config-heads-not-dividing/config.json': 'CONFIG_HEADS_NOT_DIVIDING',
    'fixtures/checkpoints/bad/config-unknown-activation/config.json': 'CONFIG_UNKNOWN_ACTIVATION',
  };
  // Keys toJSON may add to a file that left them out: HF defaults it writes for every ALBERT config.
  const filled = new Set([
    'position_embedding_type',
    'model_type',
    'classifier_dropout_prob',
    'pad_token_id',
    'bos_token_id',
    'eos_token_id',
    'label2id',
  ]);

  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  for (const file of files) {
    const name = relative(repoRoot, file);
    it(name, () => {
      const text = readFileSync(file, 'utf8');
      const original = JSON.parse(text) as Record<string, unknown>;
      const expectedError = invalid[name];
      if (expectedError !== undefined) {
        const error = configError(() => AlbertConfig.parse(text, { file: name }));
        expect(error.code).toBe(expectedError);
        expect(error.message).toContain(name);
        return;
      }
      const config = AlbertConfig.parse(text, { file: name });
      const written = config.toJSON();
      for (const [key, value] of Object.entries(original)) expect(written[key], key).toEqual(value);
      for (const key of Object.keys(written))
        if (!(key in original)) expect(filled.has(key), `added key ${key}`).toBe(true);
      const again = AlbertConfig.parse(config.toJSONText(), { file: name });
      expect(again.toJSON()).toEqual(written);
      if (original['id2label'] !== undefined)
        expect(config.numLabels).toBe(Object.keys(original['id2label'] as object).length);
      else expect(config.numLabels).toBe(2);
    });
  }
});
