import type { PrecompiledCharsmap } from '../sentencepiece/precompiled-charsmap.js';
import type { CharsmapRules } from './precompiled-normalizer.js';

const encoder = new TextEncoder();

/**
 * Adapter: the SentencePiece charsmap ({@link PrecompiledCharsmap}) looked up as the Rust
 * `spm_precompiled` crate does for the `Precompiled` normalizer (first, i.e. shortest, result of a
 * common-prefix search over the UTF-8 bytes, which stops at a NUL byte).
 */
export function charsmapRules(charsmap: PrecompiledCharsmap): CharsmapRules {
  return {
    shortestPrefixReplacement(chunk: string): string | undefined {
      const bytes = encoder.encode(chunk);
      let end = bytes.indexOf(0);
      if (end < 0) end = bytes.length;
      if (end === 0) return undefined;
      const first = charsmap.commonPrefixSearch(bytes, 0, end)[0];
      return first === undefined ? undefined : charsmap.replacement(first.value);
    },
  };
}
