#!/usr/bin/env node
// Optional differential check of albert-ts AlbertTokenizerFast against the Hugging Face `tokenizers`
// Rust library (its Node binding, npm `tokenizers`, which ships native binaries and is therefore NOT a
// dependency of this repository). Unpack it yourself, then point this script at it:
//
//   npm pack tokenizers@0.23.2 && tar xzf tokenizers-0.23.2.tgz   # -> ./package
//   node --import ./bench/lib/ts-register.mjs bench/tokenizer/fast-vs-rust.mjs --tokenizers ./package [--file tokenizer.json] [--seed 1] [--count 10000]
//
// Random strings (mixed scripts, marks, controls, zero-width and unusual spaces, emoji, ligatures,
// special tokens) are encoded by both; ids, tokens, offsets and the raw decode must be identical.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AlbertTokenizerFast } from '@albert-ts/tokenizer';

const { values: options } = parseArgs({
  options: {
    tokenizers: { type: 'string' },
    file: { type: 'string', default: 'tokenizer.json' },
    seed: { type: 'string', default: '1' },
    count: { type: 'string', default: '10000' },
  },
});
if (options.tokenizers === undefined) {
  console.error(
    'usage: fast-vs-rust.mjs --tokenizers PATH_TO_UNPACKED_NPM_TOKENIZERS [--file tokenizer.json] [--seed N] [--count N]',
  );
  process.exit(2);
}
const require = createRequire(import.meta.url);
const { Tokenizer } = require(resolve(options.tokenizers, 'index.js'));
const path = new URL(`../../../shared/third-party/tokenizers/albert-base-v2/${options.file}`, import.meta.url);
const reference = Tokenizer.fromFile(path.pathname);
const ours = AlbertTokenizerFast.fromJSON(readFileSync(path, 'utf8'), { file: options.file });

let seed = Number(options.seed);
const random = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};
const pools = [
  'abcdefghijklmnopqrstuvwxyz',
  'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  '0123456789',
  ' ',
  '   ',
  '\t\n\r\u000b\u000c',
  '.,;:!?\'"`-()[]{}<>/\\@#$%^&*_+=|~',
  'éèêëàâäôöûüçñÅÆØœßẞ',
  '\u0301\u0308\u0327\u0303',
  'αβγδεΣΩσς',
  'абвгдЖЩЯ',
  '中文日本語한국어カタカナ',
  'ｱｲｳｴｵﾞﾟ',
  'ＡＢＣ１２３！？',
  '\u200b\u200c\u200d\u2060\ufeff\u00ad',
  '\u2028\u2029\u0085\u00a0\u3000\u2000\u200a',
  '😀👍🏽👨‍👩‍👧🇺🇸🇫🇷',
  'ﬁﬂﬀﬃ™©®½¼²³',
  '\u0000\u0001\u001f\u007f\u0080\u009f',
  'אבגד مرحبا हिन्दी ไทย',
  '[MASK]',
  '[CLS]',
  '<pad>',
  '<unk>',
  '<PAD>',
  '<UNK>',
  '[SEP]',
  '``',
  "''",
  '▁',
  'İı',
  'ǅǈǋ',
  '〜～',
  '가각힣',
];
const randomString = () => {
  let text = '';
  for (let group = 1 + Math.floor(random() * 12); group > 0; group--) {
    const characters = Array.from(pools[Math.floor(random() * pools.length)]);
    for (let count = 1 + Math.floor(random() * 4); count > 0; count--)
      text += characters[Math.floor(random() * characters.length)];
  }
  return text;
};

const count = Number(options.count);
let mismatches = 0;
for (let index = 0; index < count; index++) {
  const text = randomString();
  const expected = await reference.encode(text);
  const actual = ours.encode(text);
  const left = JSON.stringify([
    expected.getIds(),
    expected.getTokens(),
    expected.getOffsets(),
    await reference.decode(expected.getIds(), false),
  ]);
  const right = JSON.stringify([
    actual.inputIds,
    actual.tokens,
    actual.offsets,
    ours.decode(actual.inputIds, { cleanUpTokenizationSpaces: false }),
  ]);
  if (left !== right) {
    mismatches++;
    if (mismatches <= 5) console.log(`MISMATCH ${JSON.stringify(text)}\n  rust ${left}\n  ours ${right}`);
  }
}
console.log(`${options.file}: ${count} random strings (seed ${options.seed}), ${mismatches} mismatches`);
process.exit(mismatches === 0 ? 0 : 1);
