/**
 * Crafted hostile configs (issue classes 4, 8, 11): values that pass type checks but would make
 * albert-ts build something huge, nesting that would overflow a recursive copy, and `__proto__`.
 */
import { describe, expect, it } from 'vitest';
import { AlbertConfig } from './albert-config.js';
import { DEFAULT_ALBERT_CONFIG_LIMITS } from './albert-config-limits.js';
import { ConfigError } from './config-error.js';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).code;
  }
  return undefined;
}

/** `[[[...0...]]]` nested `depth` times, as JSON text (built without recursion). */
function nestedArrayText(depth: number): string {
  return `${'['.repeat(depth)}0${']'.repeat(depth)}`;
}

describe('class 4: counts that would exhaust the machine are refused before anything is built', () => {
  it('num_labels 1e9 is refused at once (no label map of that size)', () => {
    const started = performance.now();
    expect(codeOf(() => AlbertConfig.fromJSON({ num_labels: 1e9 }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(codeOf(() => AlbertConfig.fromJSON({ num_labels: 1e7 }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(codeOf(() => AlbertConfig.create().with({ numLabels: 1e9 }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('num_hidden_layers 1e5 and inner_group_num / num_hidden_groups 1e6 are refused', () => {
    expect(codeOf(() => AlbertConfig.fromJSON({ num_hidden_layers: 100_000 }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(codeOf(() => AlbertConfig.fromJSON({ num_hidden_layers: 12, inner_group_num: 1_000_000 }))).toBe(
      'CONFIG_LIMIT_EXCEEDED',
    );
    expect(codeOf(() => AlbertConfig.fromJSON({ num_hidden_layers: 1_000_000, num_hidden_groups: 1_000_000 }))).toBe(
      'CONFIG_LIMIT_EXCEEDED',
    );
  });

  it('the error names the limit and how to raise it; raising it admits the config', () => {
    expect(() => AlbertConfig.fromJSON({ num_labels: 200_000 }, { file: 'config.json' })).toThrow(
      /maximumLabels = 100000.*limits option.*config\.json/,
    );
    expect(codeOf(() => AlbertConfig.fromJSON({ num_labels: 20 }, { limits: { maximumLabels: 10 } }))).toBe(
      'CONFIG_LIMIT_EXCEEDED',
    );
    expect(AlbertConfig.fromJSON({ num_labels: 20 }, { limits: { maximumLabels: 20 } }).numLabels).toBe(20);
    expect(
      AlbertConfig.fromJSON({ num_hidden_layers: 2048 }, { limits: { maximumLayers: 2048 } }).numHiddenLayers,
    ).toBe(2048);
    // the limits stay with the config: `with` keeps them
    const lowered = AlbertConfig.fromJSON({}, { limits: { maximumLabels: 10 } });
    expect(codeOf(() => lowered.with({ numLabels: 11 }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(lowered.with({ numLabels: 10 }).numLabels).toBe(10);
  });

  it('limits are strict', () => {
    expect(codeOf(() => AlbertConfig.fromJSON({}, { limits: { maximumLabel: 5 } as never }))).toBe(
      'CONFIG_INVALID_LIMITS',
    );
    expect(codeOf(() => AlbertConfig.fromJSON({}, { limits: { maximumLabels: 0 } }))).toBe('CONFIG_INVALID_LIMITS');
    expect(codeOf(() => AlbertConfig.parse('{}', { limit: { maximumLabels: 5 } } as never))).toBe(
      'CONFIG_UNKNOWN_OPTION',
    );
    expect(DEFAULT_ALBERT_CONFIG_LIMITS).toEqual({
      maximumLabels: 100_000,
      maximumLayers: 1024,
      maximumDepth: 100,
      maximumLength: 16 * 1024 * 1024,
    });
  });

  it('a config.json text longer than maximumLength is refused before JSON.parse', () => {
    const text = `{"padding": "${'x'.repeat(2000)}"}`;
    expect(codeOf(() => AlbertConfig.parse(text, { limits: { maximumLength: 1000 } }))).toBe('CONFIG_LIMIT_EXCEEDED');
    expect(AlbertConfig.parse(text).extraFields['padding']).toHaveLength(2000);
  });

  it('every published preset is within the limits', () => {
    for (const name of ['albert-base-v2', 'albert-large-v2', 'albert-xlarge-v2', 'albert-xxlarge-v2'] as const)
      expect(AlbertConfig.preset(name).numHiddenLayers).toBeGreaterThan(0);
  });
});

describe('class 8: deep JSON in a kept field', () => {
  it('500 000 nested arrays in an unknown field: a typed error, no stack overflow', () => {
    const text = `{"vocab_size": 99, "task_specific_params": ${nestedArrayText(500_000)}}`;
    const started = performance.now();
    // JSON.parse itself may refuse it (CONFIG_INVALID_JSON); either way a typed error
    expect(['CONFIG_TOO_DEEP', 'CONFIG_INVALID_JSON']).toContain(
      codeOf(() => AlbertConfig.parse(text, { file: 'config.json' })),
    );
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('nesting within the limit is kept, frozen, and written back unchanged', () => {
    const text = `{"task_specific_params": ${nestedArrayText(90)}}`;
    const config = AlbertConfig.parse(text);
    expect(Object.isFrozen(config.extraFields['task_specific_params'])).toBe(true);
    expect(JSON.stringify(config.toJSON()['task_specific_params'])).toBe(nestedArrayText(90));
    expect(codeOf(() => AlbertConfig.parse(`{"x": ${nestedArrayText(101)}}`))).toBe('CONFIG_TOO_DEEP');
    expect(
      AlbertConfig.parse(`{"x": ${nestedArrayText(101)}}`, { limits: { maximumDepth: 200 } }).extraFields['x'],
    ).toBeDefined();
  });

  it('deep values given to with({ extraFields }) are checked the same way', () => {
    let deep: unknown = 0;
    for (let depth = 0; depth < 100_000; depth += 1) deep = [deep];
    expect(codeOf(() => AlbertConfig.create().with({ extraFields: { deep } }))).toBe('CONFIG_TOO_DEEP');
  });
});

describe('class 11: an unknown field named __proto__', () => {
  it('survives a round trip and pollutes nothing', () => {
    const text = '{"vocab_size": 99, "__proto__": {"polluted": true}, "nested": {"__proto__": [1, 2]}}';
    const config = AlbertConfig.parse(text);
    expect(Object.hasOwn(config.extraFields, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(config.extraFields)).toBe(Object.prototype);
    const written = config.toJSONText();
    const again = JSON.parse(written) as Record<string, unknown>;
    expect(Object.hasOwn(again, '__proto__')).toBe(true);
    expect(JSON.stringify(again['__proto__'])).toBe('{"polluted":true}');
    expect(JSON.stringify((again['nested'] as Record<string, unknown>)['__proto__'])).toBe('[1,2]');
    expect(AlbertConfig.parse(written).toJSONText()).toBe(written);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a label named __proto__ stays a label', () => {
    const config = AlbertConfig.fromJSON({ id2label: { 0: '__proto__', 1: 'other' } });
    expect(Object.hasOwn(config.label2id, '__proto__')).toBe(true);
    expect(config.label2id['__proto__']).toBe(0);
    expect(AlbertConfig.parse(config.toJSONText()).id2label[0]).toBe('__proto__');
  });
});
