import { decodeUtf8Text } from '@albert-ts/config';
import type { TokenizerFileSource } from './albert-tokenizer.js';
import { checkOptionKeys } from '@albert-ts/config';
import { AlbertTokenizerFast, type AlbertTokenizerFastOptions } from './fast/albert-tokenizer-fast.js';
import { fastJsonOptionsFromConfig, fastTokenizerOptionsFromConfig } from './fast/fast-tokenizer-config.js';
import { TokenizerError } from './tokenizer-error.js';

/**
 * Where {@link loadTokenizer} reads a model's files from: one function from a file name
 * (`tokenizer.json`, `spiece.model`, `tokenizer_config.json`, `special_tokens_map.json`) to its
 * bytes, or `undefined` when the file does not exist. A local directory, memory, the Hub or the
 * browser's Cache API all fit behind it.
 *
 * ```ts
 * const files = new Map([['spiece.model', bytes]]);
 * const tokenizer = await loadTokenizer({ description: 'memory', read: async (name) => files.get(name) });
 * ```
 */
export interface TokenizerFileReader {
  /** Where the files come from (a directory, a Hub id), for messages. */
  readonly description?: string;
  /** The file's bytes, or `undefined` when it does not exist; other failures reject. */
  read(name: string): Promise<Uint8Array | undefined>;
}

/** Options of {@link loadTokenizer}: settings that win over the model's `tokenizer_config.json`. */
export type LoadTokenizerOptions = Pick<
  AlbertTokenizerFastOptions,
  'modelMaxLength' | 'cleanUpTokenizationSpaces' | 'paddingSide' | 'truncationSide' | 'limits'
>;

const LOAD_OPTION_KEYS = [
  'modelMaxLength',
  'cleanUpTokenizationSpaces',
  'paddingSide',
  'truncationSide',
  'limits',
] as const;

/** transformers' `VERY_LARGE_INTEGER`: the `model_max_length` of a tokenizer whose config gives none. */
const VERY_LARGE_INTEGER = 1e30;

/** The file names a tokenizer directory may hold (anything else is refused by the directory reader). */
const TOKENIZER_FILES = new Set(['tokenizer.json', 'spiece.model', 'tokenizer_config.json', 'special_tokens_map.json']);

function directoryReader(directory: string): TokenizerFileReader {
  return {
    description: directory,
    read: async (name) => {
      if (!TOKENIZER_FILES.has(name)) {
        throw new TokenizerError(
          'TOKENIZER_INVALID_INPUT',
          `${directory}: ${JSON.stringify(name)} is not a tokenizer file`,
          { file: name },
        );
      }
      const { fsPromises: fs, path } = await import('#node-builtins');
      const file = path.join(directory, name);
      try {
        return new Uint8Array(await fs.readFile(file));
      } catch (cause) {
        if ((cause as { code?: unknown }).code === 'ENOENT') return undefined;
        throw new TokenizerError(
          'TOKENIZER_FILE_NOT_FOUND',
          `${file}: cannot read the file (${(cause as Error).message})`,
          { file },
          { cause },
        );
      }
    },
  };
}

function toReader(source: unknown): TokenizerFileReader {
  if (typeof source === 'string') {
    if (source === '')
      throw new TokenizerError('TOKENIZER_INVALID_INPUT', 'loadTokenizer: the model directory is an empty string', {
        field: 'source',
      });
    return directoryReader(source);
  }
  if (typeof source === 'object' && source !== null) {
    const candidate = source as Partial<TokenizerFileSource> & Partial<TokenizerFileReader>;
    if (typeof candidate.has === 'function' && typeof candidate.read === 'function') {
      const fileSource = source as TokenizerFileSource;
      return {
        description: fileSource.description,
        read: async (name) => ((await fileSource.has(name)) ? fileSource.read(name) : undefined),
      };
    }
    if (typeof candidate.read === 'function') return source as TokenizerFileReader;
  }
  throw new TokenizerError(
    'TOKENIZER_INVALID_INPUT',
    `loadTokenizer expects a directory path or a file reader ({ read(name) }), got ${source === null ? 'null' : typeof source}`,
    { field: 'source', value: source === null ? 'null' : typeof source },
  );
}

/**
 * Loads a model's tokenizer as `AutoTokenizer.from_pretrained` does for ALBERT: the fast tokenizer
 * from `tokenizer.json` when the model has one, otherwise built from `spiece.model` by transformers'
 * slow→fast conversion ({@link AlbertTokenizerFast.fromSentencePiece}); `tokenizer_config.json` and
 * `special_tokens_map.json` give `do_lower_case`, `keep_accents`, `model_max_length` (no limit when
 * absent, as in Python), the special tokens and the added tokens. `spiece.model` is kept when
 * present, so `saveVocabulary` and `savePretrained` can write it. Browser-safe: with a reader, no
 * Node module is loaded.
 *
 * ```ts
 * const tokenizer = await loadTokenizer('./albert-base-v2');        // Node: a directory
 * const fromHub = await loadTokenizer({ description: id, read: (name) => hub.fetchOptional(name) });
 * ```
 * @param source - a directory path (Node only) or a {@link TokenizerFileReader} (core's file sources fit too).
 * @param options - settings that win over `tokenizer_config.json`.
 * @throws TokenizerError `TOKENIZER_FILE_NOT_FOUND` when neither `tokenizer.json` nor `spiece.model`
 *   exists; `TOKENIZER_INVALID_CONFIG` / `TOKENIZER_MODEL_CORRUPT` for bad files; `OptionsError`
 *   for an unknown option. `InvalidTextError` (`CHECKPOINT_INVALID_TEXT`, from `@albert-ts/config`) for a
 *   JSON file that is not UTF-8 (a byte order mark is dropped), as everywhere in albert-ts.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from '@albert-ts/tokenizer';
 *
 * const tokenizer = await loadTokenizer('./albert-base-v2'); // tokenizer.json, else built from spiece.model
 * console.log(tokenizer.encode('Hello world!').inputIds);
 * ```
 */
export async function loadTokenizer(
  source: string | TokenizerFileReader | TokenizerFileSource,
  options: LoadTokenizerOptions = {},
): Promise<AlbertTokenizerFast> {
  checkOptionKeys(options, LOAD_OPTION_KEYS, 'loadTokenizer options');
  const reader = toReader(source);
  const description = reader.description ?? 'tokenizer files';
  const readText = async (name: string): Promise<string | undefined> => {
    const bytes = await reader.read(name);
    return bytes === undefined ? undefined : decodeUtf8Text(bytes, `${description}/${name}`);
  };
  const tokenizerConfig = await readText('tokenizer_config.json');
  const specialTokensMap = await readText('special_tokens_map.json');
  const fromConfig = fastTokenizerOptionsFromConfig(tokenizerConfig, specialTokensMap);
  const explicit = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const settings = { modelMaxLength: VERY_LARGE_INTEGER, ...fromConfig, ...explicit };
  const json = await readText('tokenizer.json');
  const sentencePieceModel = await reader.read('spiece.model');
  if (json !== undefined) {
    return AlbertTokenizerFast.fromJSON(json, {
      ...fastJsonOptionsFromConfig(settings),
      file: `${description}/tokenizer.json`,
      ...(sentencePieceModel === undefined ? {} : { sentencePieceModel }),
    });
  }
  if (sentencePieceModel !== undefined) {
    return AlbertTokenizerFast.fromSentencePiece(sentencePieceModel, {
      ...settings,
      file: `${description}/spiece.model`,
    });
  }
  throw new TokenizerError('TOKENIZER_FILE_NOT_FOUND', `${description}: no tokenizer.json and no spiece.model`, {
    file: `${description}/tokenizer.json`,
  });
}
