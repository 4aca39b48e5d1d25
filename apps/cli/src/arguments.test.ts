import { describe, expect, it } from 'vitest';
import { formatFlagHelp, kebabCase, parseArguments } from './arguments.js';
import { UsageError } from './usage-error.js';

const FLAGS = {
  topK: { type: 'number', short: 'k', description: 'how many predictions' },
  json: { type: 'boolean', description: 'print JSON' },
  model: { type: 'string', short: 'm', description: 'model directory', valueName: 'DIR' },
  backend: { type: 'string', description: 'backend', choices: ['node-cpu', 'wasm'] },
  label: { type: 'string', description: 'a label', multiple: true },
} as const;

function usageError(action: () => unknown): UsageError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error('expected a UsageError');
}

describe('parseArguments', () => {
  it('parses values, booleans, positionals and defaults', () => {
    const parsed = parseArguments(['hello', '--top-k', '5', '--json', '-m', 'dir', 'world'], { flags: FLAGS });
    expect(parsed.positionals).toEqual(['hello', 'world']);
    expect(parsed.flags).toEqual({ topK: 5, json: true, model: 'dir', backend: undefined, label: [] });
    const empty = parseArguments([], { flags: FLAGS });
    expect(empty.flags.json).toBe(false);
    expect(empty.flags.topK).toBeUndefined();
  });

  it('accepts --name=value, -kVALUE, --no-flag and repeated flags', () => {
    const parsed = parseArguments(
      ['--top-k=3', '--model=a=b', '--json', '--no-json', '--label', 'x', '--label=y', '-k7'],
      { flags: FLAGS },
    );
    expect(parsed.flags.topK).toBe(7);
    expect(parsed.flags.model).toBe('a=b');
    expect(parsed.flags.json).toBe(false);
    expect(parsed.flags.label).toEqual(['x', 'y']);
  });

  it('treats everything after -- as positional, and - and negative numbers as positionals', () => {
    const parsed = parseArguments(['-', '-5', '--', '--json', '-k'], { flags: FLAGS });
    expect(parsed.positionals).toEqual(['-', '-5', '--json', '-k']);
    expect(parsed.flags.json).toBe(false);
  });

  it('takes values that start with a dash', () => {
    expect(parseArguments(['--top-k', '-1'], { flags: FLAGS }).flags.topK).toBe(-1);
  });

  it('reports usage errors naming the flag or argument', () => {
    expect(usageError(() => parseArguments(['--nope'], { flags: FLAGS })).message).toMatch(
      /unknown option --nope; options: --top-k, --json/,
    );
    expect(usageError(() => parseArguments(['-x'], { flags: FLAGS })).message).toMatch(/unknown option -x/);
    expect(usageError(() => parseArguments(['--top-k'], { flags: FLAGS })).message).toMatch(
      /--top-k needs a value \(TOP-K\)/,
    );
    expect(usageError(() => parseArguments(['--model', '--'], { flags: FLAGS })).message).toMatch(
      /--model needs a value \(DIR\)/,
    );
    expect(usageError(() => parseArguments(['--top-k', 'five'], { flags: FLAGS })).message).toMatch(
      /--top-k expects a number, got "five"/,
    );
    expect(usageError(() => parseArguments(['--json=yes'], { flags: FLAGS })).message).toMatch(/--json takes no value/);
    expect(usageError(() => parseArguments(['--backend', 'cuda'], { flags: FLAGS })).message).toMatch(
      /--backend must be one of node-cpu, wasm, got "cuda"/,
    );
    expect(
      usageError(() => parseArguments([], { flags: FLAGS, minPositionals: 1, positionalNames: ['<text>'] })).message,
    ).toBe('missing <text>');
    expect(usageError(() => parseArguments(['a', 'b'], { flags: FLAGS, maxPositionals: 1 })).message).toBe(
      'unexpected argument "b"',
    );
    expect(usageError(() => parseArguments(['--nope'], { flags: FLAGS })).code).toBe('CLI_USAGE');
  });

  it('formats help for flags', () => {
    const help = formatFlagHelp(FLAGS);
    expect(help).toContain('-k, --top-k TOP-K');
    expect(help).toContain('      --json ');
    expect(help).toContain('(node-cpu, wasm)');
    expect(kebabCase('maxSequenceLength')).toBe('max-sequence-length');
  });
});
