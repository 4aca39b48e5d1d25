import type { FastNormalizer } from './normalizer.js';
import type { NormalizedString } from './normalized-string.js';

const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * The `NFKD` normalizer. Each character is decomposed on its own (the first character of a
 * decomposition replaces the source character, the others are inserted after it); when canonical
 * reordering moves combining marks across characters, the items are permuted the way the Rust
 * `unicode-normalization-alignments` crate's stable sort does, and the library's `transform` rules
 * then assign the alignments.
 */
export class NfkdNormalizer implements FastNormalizer {
  readonly type = 'NFKD';
  readonly charLocal = true;
  private readonly cache = new Map<number, string>();

  /** Decompose in place. */
  normalize(text: NormalizedString): void {
    const value = text.normalized;
    if (!NON_ASCII.test(value)) return;
    const whole = value.normalize('NFKD');
    if (whole === value) return;
    const pieces: string[] = [];
    for (let index = 0; index < value.length;) {
      const codePoint = value.codePointAt(index) as number;
      const size = codePoint > 0xffff ? 2 : 1;
      pieces.push(this.decompose(codePoint));
      index += size;
    }
    if (pieces.join('') === whole) {
      let position = 0;
      text.mapCodePoints(() => pieces[position++] as string);
      return;
    }
    // Canonical reordering moved marks: rebuild the (codePoint, change) items in the final order.
    const itemCodePoints: number[] = [];
    const itemChanges: number[] = [];
    const queues = new Map<number, number[]>();
    for (const piece of pieces) {
      let first = true;
      for (const character of piece) {
        const codePoint = character.codePointAt(0) as number;
        const index = itemCodePoints.length;
        itemCodePoints.push(codePoint);
        itemChanges.push(first ? 0 : 1);
        first = false;
        const queue = queues.get(codePoint);
        if (queue === undefined) queues.set(codePoint, [index]);
        else queue.push(index);
      }
    }
    const codePoints: number[] = [];
    const changes: number[] = [];
    for (const character of whole) {
      const codePoint = character.codePointAt(0) as number;
      const index = queues.get(codePoint)?.shift() ?? -1;
      codePoints.push(codePoint);
      changes.push(index < 0 ? 1 : (itemChanges[index] as number));
    }
    text.transform(codePoints, changes, codePoints.length, 0);
  }

  /** Plain-string form (no alignment). */
  normalizeString(text: string): string {
    return text.normalize('NFKD');
  }

  private decompose(codePoint: number): string {
    let result = this.cache.get(codePoint);
    if (result === undefined) {
      result = String.fromCodePoint(codePoint).normalize('NFKD');
      this.cache.set(codePoint, result);
    }
    return result;
  }
}
