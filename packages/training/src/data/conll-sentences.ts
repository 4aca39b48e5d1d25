import type { AlbertTokenizerFast } from '@albert-ts/tokenizer';
import { TrainingError } from '../training-error.js';
import type { DataChunks } from './data-chunks.js';
import { emptyFileError, textLines } from './text-lines.js';
import type { TrainingExample } from './training-example.js';

/** One sentence of a CoNLL file. */
export interface ConllSentence {
  /** The words (first column). */
  readonly words: readonly string[];
  /** The tag of each word (last column, e.g. `B-PER`). */
  readonly tags: readonly string[];
  /** 1-based line number of the sentence's first word. */
  readonly line: number;
  /** 1-based line number of each word (for errors). */
  readonly lines: readonly number[];
}

/** Options of {@link conllSentences}. */
export interface ConllSentencesOptions {
  /** The file's name, for errors. */
  readonly file: string;
  /** The longest line accepted, in characters (default 1 Mi). */
  readonly maxLineLength?: number;
  /** The most words in one sentence (default 10 000): a file without blank lines is an error, not one huge sentence. */
  readonly maxSentenceWords?: number;
}

/**
 * The sentences of a CoNLL file (CoNLL-2003 style): one token per line, columns separated by spaces or
 * tabs, the word in the first column and its tag in the last; a blank line between sentences;
 * `-DOCSTART-` lines skipped. Streamed: one sentence is held at a time.
 *
 * @example
 * ```ts
 * // EU B-ORG\nrejects O\nGerman B-MISC\n\n…
 * for await (const sentence of conllSentences(createReadStream('train.conll'), { file: 'train.conll' }))
 *   console.log(sentence.words, sentence.tags);
 * ```
 * @throws {@link TrainingError} `TRAINING_BAD_DATA` naming the file and line of a line with one column
 *   only (no tag), a sentence that is too long, or an empty file.
 */
export async function* conllSentences(
  chunks: DataChunks,
  options: ConllSentencesOptions,
): AsyncGenerator<ConllSentence> {
  const { file } = options;
  const maxWords = options.maxSentenceWords ?? 10_000;
  let words: string[] = [];
  let tags: string[] = [];
  let lines: number[] = [];
  let count = 0;
  for await (const { text, line } of textLines(chunks, options)) {
    const columns = text.trim().split(/\s+/);
    if (columns[0] === '' || columns[0] === '-DOCSTART-') {
      if (words.length > 0) {
        count += 1;
        yield { words, tags, line: lines[0] as number, lines };
      }
      words = [];
      tags = [];
      lines = [];
      continue;
    }
    if (columns.length < 2)
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${line}: "${text.trim().slice(0, 40)}" has no tag (expected "word … tag", a blank line between sentences)`,
        { file, line },
      );
    if (words.length >= maxWords)
      throw new TrainingError(
        'TRAINING_BAD_DATA',
        `${file} line ${line}: a sentence of more than ${maxWords} words (are the blank lines between sentences missing?)`,
        { file, line },
      );
    words.push(columns[0] as string);
    tags.push(columns[columns.length - 1] as string);
    lines.push(line);
  }
  if (words.length > 0) {
    count += 1;
    yield { words, tags, line: lines[0] as number, lines };
  }
  if (count === 0) throw emptyFileError(file, 'sentences');
}

/**
 * A token-classification training example from a sentence, as HF's `run_ner` preprocesses it: the words
 * are encoded as pre-split words (truncated to `maxLength`), each word's tag goes to its first sub-token,
 * the other sub-tokens and the special tokens get -100 (ignored by the loss).
 *
 * @example
 * ```ts
 * tokenClassificationExample({ words: ['Paris', 'rocks'], tags: ['B-LOC', 'O'], … }, tokenizer, { labelIds: [0, 1], maxLength: 128 });
 * ```
 * @param sentence - the words.
 * @param tokenizer - a fast tokenizer (word ids come from it).
 * @param options - `labelIds`: the class index of each word's tag (e.g. from `resolveLabel`); `maxLength`: the longest sequence.
 */
export function tokenClassificationExample(
  sentence: Pick<ConllSentence, 'words'>,
  tokenizer: AlbertTokenizerFast,
  options: { readonly labelIds: readonly number[]; readonly maxLength: number },
): TrainingExample {
  const encoding = tokenizer.encode(sentence.words, {
    isSplitIntoWords: true,
    truncation: true,
    maxLength: options.maxLength,
  });
  let previous: number | null = null;
  const labels = encoding.wordIds.map((word) => {
    const first = word !== null && word !== previous;
    previous = word;
    return first ? (options.labelIds[word] ?? -100) : -100;
  });
  return { inputIds: encoding.inputIds, tokenTypeIds: encoding.tokenTypeIds, labels };
}
