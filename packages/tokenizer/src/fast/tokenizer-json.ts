import { PrecompiledCharsmap } from '../sentencepiece/precompiled-charsmap.js';
import { TokenizerError } from '../tokenizer-error.js';
import type { AddedToken } from './added-vocabulary.js';
import { charsmapRules } from './charsmap-rules.js';
import type { FastModel } from './fast-model.js';
import { LowercaseNormalizer } from './lowercase-normalizer.js';
import { MetaspaceDecoder, type FastDecoder } from './metaspace-decoder.js';
import { MetaspacePreTokenizer, type PrependScheme } from './metaspace-pre-tokenizer.js';
import { NfkdNormalizer } from './nfkd-normalizer.js';
import type { FastNormalizer } from './normalizer.js';
import { PrecompiledNormalizer } from './precompiled-normalizer.js';
import type { FastPreTokenizer } from './pre-tokenizer.js';
import { LinearRegex } from './linear-regex.js';
import { DEFAULT_MAX_NORMALIZED_GROWTH, ReplaceNormalizer } from './replace-normalizer.js';
import { SequenceNormalizer } from './sequence-normalizer.js';
import { SequencePreTokenizer } from './sequence-pre-tokenizer.js';
import { StripAccentsNormalizer } from './strip-accents-normalizer.js';
import { TemplateProcessing, type TemplatePiece, type TemplateSpecialToken } from './template-processing.js';
import { UnigramFastModel } from './unigram-fast-model.js';
import { WhitespaceSplitPreTokenizer } from './whitespace-split-pre-tokenizer.js';

/** The components of a `tokenizer.json`, built and validated. */
export interface TokenizerJsonPipeline {
  /** Name of the file, for messages. */
  readonly file: string;
  /** Added tokens (`added_tokens`). */
  readonly addedTokens: readonly AddedToken[];
  /** Normalizer, if any. */
  readonly normalizer: FastNormalizer | undefined;
  /** Pre-tokenizer, if any. */
  readonly preTokenizer: FastPreTokenizer | undefined;
  /** The model. */
  readonly model: FastModel;
  /** Post-processor, if any. */
  readonly postProcessor: TemplateProcessing | undefined;
  /** Decoder, if any. */
  readonly decoder: FastDecoder | undefined;
}

type JsonObject = Record<string, unknown>;

/** Default {@link TokenizerJsonLimits.maxDepth}: components nested deeper than 64 `Sequence`s are refused. */
export const DEFAULT_MAX_COMPONENT_DEPTH = 64;

/**
 * Bounds on what a `tokenizer.json` may ask for (it comes from strangers). Each has a default that real files
 * stay far below; a caller that trusts a file more may raise them.
 */
export interface TokenizerJsonLimits {
  /** Deepest nesting of `Sequence` normalizers / pre-tokenizers. Default {@link DEFAULT_MAX_COMPONENT_DEPTH} (64). */
  readonly maxDepth?: number;
  /**
   * A normalized text may be at most this many times its original length (in code points) + 1024 units.
   * Default {@link DEFAULT_MAX_NORMALIZED_GROWTH} (32).
   */
  readonly maxNormalizedGrowth?: number;
}

/** Options of {@link parseTokenizerJson}. */
export interface ParseTokenizerJsonOptions {
  /** Name of the file, for messages. Default `tokenizer.json`. */
  readonly file?: string;
  /** Bounds on nesting and growth ({@link TokenizerJsonLimits}). */
  readonly limits?: TokenizerJsonLimits;
}

const OPTION_KEYS = ['file', 'limits'];
const LIMIT_KEYS = ['maxDepth', 'maxNormalizedGrowth'];

function checkOptions(options: ParseTokenizerJsonOptions): Required<TokenizerJsonLimits> {
  const invalid = (problem: string, value: unknown): never => {
    throw new TokenizerError('TOKENIZER_INVALID_OPTION', `parseTokenizerJson: ${problem}`, { value });
  };
  for (const key of Object.keys(options))
    if (!OPTION_KEYS.includes(key))
      invalid(`unknown option ${JSON.stringify(key)} (known: ${OPTION_KEYS.join(', ')})`, key);
  const limits = options.limits ?? {};
  for (const key of Object.keys(limits))
    if (!LIMIT_KEYS.includes(key))
      invalid(`unknown limit ${JSON.stringify(key)} (known: ${LIMIT_KEYS.join(', ')})`, key);
  const positive = (value: number | undefined, fallback: number, name: string): number => {
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
      invalid(`limits.${name} must be a positive integer`, value);
    return value;
  };
  return {
    maxDepth: positive(limits.maxDepth, DEFAULT_MAX_COMPONENT_DEPTH, 'maxDepth'),
    maxNormalizedGrowth: positive(limits.maxNormalizedGrowth, DEFAULT_MAX_NORMALIZED_GROWTH, 'maxNormalizedGrowth'),
  };
}

/**
 * Reads a `tokenizer.json` (text or parsed object) into its components. Bounded: `Sequence`s nest at most
 * `limits.maxDepth` deep, `Replace` patterns run on a linear-time matcher (patterns it cannot run are
 * refused), and normalization may grow a text at most `limits.maxNormalizedGrowth` times
 * (`TOKENIZER_LIMIT_EXCEEDED` past a limit).
 *
 * @example
 * ```ts
 * const pipeline = parseTokenizerJson(await readFile('tokenizer.json', 'utf8'), { limits: { maxDepth: 128 } });
 * ```
 */
export function parseTokenizerJson(
  input: string | object,
  options: ParseTokenizerJsonOptions = {},
): TokenizerJsonPipeline {
  const limits = checkOptions(options);
  const file = options.file ?? 'tokenizer.json';
  let json: unknown = input;
  if (typeof input === 'string') {
    try {
      json = JSON.parse(input);
    } catch (cause) {
      throw new TokenizerError(
        'TOKENIZER_MODEL_CORRUPT',
        `${file}: not valid JSON (${(cause as Error).message})`,
        { file, field: '(root)' },
        { cause },
      );
    }
  }
  const reader = new JsonReader(file, limits);
  const root = reader.object(json, '(root)');
  const model = readModel(reader, root['model'], 'model');
  const normalizer =
    root['normalizer'] == null ? undefined : readNormalizer(reader, root['normalizer'], 'normalizer', 1);
  const preTokenizer =
    root['pre_tokenizer'] == null ? undefined : readPreTokenizer(reader, root['pre_tokenizer'], 'pre_tokenizer', 1);
  const postProcessor =
    root['post_processor'] == null ? undefined : readPostProcessor(reader, root['post_processor'], 'post_processor');
  const decoder = root['decoder'] == null ? undefined : readDecoder(reader, root['decoder'], 'decoder');
  const addedTokens = root['added_tokens'] == null ? [] : readAddedTokens(reader, root['added_tokens'], 'added_tokens');
  return { file, addedTokens, normalizer, preTokenizer, model, postProcessor, decoder };
}

class JsonReader {
  constructor(
    readonly file: string,
    readonly limits: Required<TokenizerJsonLimits>,
  ) {}

  /** Throws `TOKENIZER_LIMIT_EXCEEDED` when a component at `depth` is nested too deep (before recursing). */
  depth(depth: number, path: string): void {
    if (depth <= this.limits.maxDepth) return;
    throw new TokenizerError(
      'TOKENIZER_LIMIT_EXCEEDED',
      `${this.file}: ${path.length > 120 ? `${path.slice(0, 120)}…` : path}: components nested deeper than ${this.limits.maxDepth} ` +
        '(the limits.maxDepth option of parseTokenizerJson raises the limit)',
      { file: this.file, field: path.slice(0, 200), limit: this.limits.maxDepth },
    );
  }

  corrupt(path: string, problem: string, value?: unknown): never {
    throw new TokenizerError('TOKENIZER_MODEL_CORRUPT', `${this.file}: ${path}: ${problem}`, {
      file: this.file,
      field: path,
      value,
    });
  }

  unsupported(component: string, path: string, type: unknown): never {
    throw new TokenizerError(
      'TOKENIZER_UNSUPPORTED_MODEL',
      `${this.file}: unsupported ${component} ${JSON.stringify(type)} at ${path} (supported: ${SUPPORTED[component] ?? 'none'})`,
      { file: this.file, field: path, component, value: type },
    );
  }

  object(value: unknown, path: string): JsonObject {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      this.corrupt(path, 'expected an object', value);
    return value as JsonObject;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.corrupt(path, 'expected an array', value);
    return value as unknown[];
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.corrupt(path, 'expected a string', value);
    return value as string;
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.corrupt(path, 'expected a finite number', value);
    return value as number;
  }

  integer(value: unknown, path: string): number {
    const number = this.number(value, path);
    if (!Number.isInteger(number) || number < 0) this.corrupt(path, 'expected a non-negative integer', value);
    return number;
  }

  boolean(value: unknown, path: string, fallback?: boolean): boolean {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'boolean') this.corrupt(path, 'expected a boolean', value);
    return value as boolean;
  }

  character(value: unknown, path: string): string {
    const text = this.string(value, path);
    if ([...text].length !== 1) this.corrupt(path, 'expected a single character', value);
    return text;
  }
}

const SUPPORTED: Record<string, string> = {
  normalizer: 'Sequence, Replace, NFKD, StripAccents, Lowercase, Precompiled',
  'pre-tokenizer': 'Sequence, WhitespaceSplit, Metaspace',
  model: 'Unigram',
  'post-processor': 'TemplateProcessing',
  decoder: 'Metaspace',
};

function readNormalizer(reader: JsonReader, value: unknown, path: string, depth: number): FastNormalizer {
  reader.depth(depth, path);
  const json = reader.object(value, path);
  const type = json['type'];
  const growth = reader.limits.maxNormalizedGrowth;
  switch (type) {
    case 'Sequence':
      return new SequenceNormalizer(
        reader
          .array(json['normalizers'], `${path}.normalizers`)
          .map((item, index) => readNormalizer(reader, item, `${path}.normalizers[${index}]`, depth + 1)),
        growth,
      );
    case 'Replace': {
      const pattern = reader.object(json['pattern'], `${path}.pattern`);
      const content = reader.string(json['content'], `${path}.content`);
      if (typeof pattern['String'] === 'string')
        return new ReplaceNormalizer({ string: pattern['String'] }, content, growth);
      if (typeof pattern['Regex'] === 'string') {
        // A linear-time matcher: a catastrophic pattern such as (a+)+$ cannot hang it; what it cannot run is refused here.
        const regex = new LinearRegex(pattern['Regex'], { file: reader.file, field: `${path}.pattern.Regex` });
        return new ReplaceNormalizer({ regex }, content, growth);
      }
      return reader.corrupt(`${path}.pattern`, 'expected { "String": ... } or { "Regex": ... }', pattern);
    }
    case 'NFKD':
      return new NfkdNormalizer();
    case 'StripAccents':
      return new StripAccentsNormalizer();
    case 'Lowercase':
      return new LowercaseNormalizer();
    case 'Precompiled': {
      const encoded = reader.string(json['precompiled_charsmap'], `${path}.precompiled_charsmap`);
      let bytes: Uint8Array;
      try {
        bytes = decodeBase64(encoded);
      } catch {
        return reader.corrupt(`${path}.precompiled_charsmap`, 'not valid base64');
      }
      const charsmap = PrecompiledCharsmap.fromBytes(bytes, { file: `${reader.file} (${path}.precompiled_charsmap)` });
      return new PrecompiledNormalizer(charsmapRules(charsmap), growth);
    }
    default:
      return reader.unsupported('normalizer', path, type);
  }
}

function readPrependScheme(reader: JsonReader, json: JsonObject, path: string): PrependScheme {
  let scheme: PrependScheme = 'always';
  if (json['prepend_scheme'] !== undefined) {
    const value = reader.string(json['prepend_scheme'], `${path}.prepend_scheme`);
    if (value !== 'always' && value !== 'first' && value !== 'never')
      reader.corrupt(`${path}.prepend_scheme`, 'expected "always", "first" or "never"', value);
    scheme = value as PrependScheme;
  }
  if (json['add_prefix_space'] !== undefined && !reader.boolean(json['add_prefix_space'], `${path}.add_prefix_space`)) {
    if (json['prepend_scheme'] !== undefined && scheme !== 'never')
      reader.corrupt(`${path}.add_prefix_space`, 'add_prefix_space does not match declared prepend_scheme', false);
    scheme = 'never';
  }
  return scheme;
}

function readPreTokenizer(reader: JsonReader, value: unknown, path: string, depth: number): FastPreTokenizer {
  reader.depth(depth, path);
  const json = reader.object(value, path);
  const type = json['type'];
  switch (type) {
    case 'Sequence':
      return new SequencePreTokenizer(
        reader
          .array(json['pretokenizers'], `${path}.pretokenizers`)
          .map((item, index) => readPreTokenizer(reader, item, `${path}.pretokenizers[${index}]`, depth + 1)),
      );
    case 'WhitespaceSplit':
      return new WhitespaceSplitPreTokenizer();
    case 'Metaspace':
      return new MetaspacePreTokenizer(
        reader.character(json['replacement'], `${path}.replacement`),
        readPrependScheme(reader, json, path),
        json['split'] == null ? true : reader.boolean(json['split'], `${path}.split`),
      );
    default:
      return reader.unsupported('pre-tokenizer', path, type);
  }
}

function readModel(reader: JsonReader, value: unknown, path: string): FastModel {
  const json = reader.object(value, path);
  const type = json['type'] ?? (Array.isArray(json['vocab']) ? 'Unigram' : undefined);
  if (type !== 'Unigram') return reader.unsupported('model', path, type);
  const vocabJson = reader.array(json['vocab'], `${path}.vocab`);
  const vocab = vocabJson.map((entry, index): [string, number] => {
    const pair = reader.array(entry, `${path}.vocab[${index}]`);
    if (pair.length !== 2) reader.corrupt(`${path}.vocab[${index}]`, 'expected [piece, score]', entry);
    return [reader.string(pair[0], `${path}.vocab[${index}][0]`), reader.number(pair[1], `${path}.vocab[${index}][1]`)];
  });
  let unkId: number | undefined;
  if (json['unk_id'] != null) {
    unkId = reader.integer(json['unk_id'], `${path}.unk_id`);
    if (vocab.length === 0) reader.corrupt(`${path}.vocab`, 'empty vocabulary');
    if (unkId >= vocab.length)
      reader.corrupt(`${path}.unk_id`, `unk_id ${unkId} is not in the vocabulary of ${vocab.length} pieces`, unkId);
  }
  const byteFallback = reader.boolean(json['byte_fallback'], `${path}.byte_fallback`, false);
  return new UnigramFastModel(vocab, unkId, byteFallback);
}

function readPostProcessor(reader: JsonReader, value: unknown, path: string): TemplateProcessing {
  const json = reader.object(value, path);
  if (json['type'] !== 'TemplateProcessing') return reader.unsupported('post-processor', path, json['type']);
  const specialTokens = new Map<string, TemplateSpecialToken>();
  const specials = reader.object(json['special_tokens'] ?? {}, `${path}.special_tokens`);
  for (const [name, entry] of Object.entries(specials)) {
    const entryPath = `${path}.special_tokens.${name}`;
    const special = reader.object(entry, entryPath);
    const ids = reader
      .array(special['ids'], `${entryPath}.ids`)
      .map((id, index) => reader.integer(id, `${entryPath}.ids[${index}]`));
    const tokens = reader
      .array(special['tokens'], `${entryPath}.tokens`)
      .map((token, index) => reader.string(token, `${entryPath}.tokens[${index}]`));
    if (ids.length !== tokens.length) reader.corrupt(entryPath, `${ids.length} ids but ${tokens.length} tokens`);
    specialTokens.set(reader.string(special['id'] ?? name, `${entryPath}.id`), { name, ids, tokens });
  }
  const readTemplate = (key: string): TemplatePiece[] =>
    reader.array(json[key], `${path}.${key}`).map((item, index): TemplatePiece => {
      const piecePath = `${path}.${key}[${index}]`;
      const piece = reader.object(item, piecePath);
      if (piece['Sequence'] !== undefined) {
        const sequence = reader.object(piece['Sequence'], `${piecePath}.Sequence`);
        const id = sequence['id'];
        if (id !== 'A' && id !== 'B') return reader.corrupt(`${piecePath}.Sequence.id`, 'expected "A" or "B"', id);
        return {
          kind: 'sequence',
          sequence: id,
          typeId: reader.integer(sequence['type_id'], `${piecePath}.Sequence.type_id`),
        };
      }
      if (piece['SpecialToken'] !== undefined) {
        const special = reader.object(piece['SpecialToken'], `${piecePath}.SpecialToken`);
        const name = reader.string(special['id'], `${piecePath}.SpecialToken.id`);
        if (!specialTokens.has(name))
          reader.corrupt(
            `${piecePath}.SpecialToken.id`,
            `special token ${JSON.stringify(name)} is not in special_tokens`,
            name,
          );
        return {
          kind: 'special',
          name,
          typeId: reader.integer(special['type_id'], `${piecePath}.SpecialToken.type_id`),
        };
      }
      return reader.corrupt(piecePath, 'expected { "Sequence": ... } or { "SpecialToken": ... }', item);
    });
  return new TemplateProcessing(readTemplate('single'), readTemplate('pair'), specialTokens);
}

function readDecoder(reader: JsonReader, value: unknown, path: string): FastDecoder {
  const json = reader.object(value, path);
  if (json['type'] !== 'Metaspace') return reader.unsupported('decoder', path, json['type']);
  return new MetaspaceDecoder(
    reader.character(json['replacement'], `${path}.replacement`),
    readPrependScheme(reader, json, path),
  );
}

function readAddedTokens(reader: JsonReader, value: unknown, path: string): AddedToken[] {
  return reader.array(value, path).map((item, index) => {
    const itemPath = `${path}[${index}]`;
    const json = reader.object(item, itemPath);
    const special = reader.boolean(json['special'], `${itemPath}.special`, false);
    return {
      id: reader.integer(json['id'], `${itemPath}.id`),
      content: reader.string(json['content'], `${itemPath}.content`),
      singleWord: reader.boolean(json['single_word'], `${itemPath}.single_word`, false),
      lstrip: reader.boolean(json['lstrip'], `${itemPath}.lstrip`, false),
      rstrip: reader.boolean(json['rstrip'], `${itemPath}.rstrip`, false),
      normalized: reader.boolean(json['normalized'], `${itemPath}.normalized`, !special),
      special,
    };
  });
}

/** Decodes standard base64 (browser-safe). */
function decodeBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
