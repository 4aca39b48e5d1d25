import { emptyEncoding, mergeEncodings, type FastEncoding } from './fast-encoding.js';

/**
 * One item of a `TemplateProcessing` template: a sequence (`$A`, `$B:1`; `{"Sequence": {"id": "A", "type_id": 0}}`
 * in `tokenizer.json`) or a special token (`[CLS]`, `[SEP]:1`; `{"SpecialToken": {"id": "[CLS]", "type_id": 0}}`).
 */
export type TemplatePiece =
  | {
      /** This item stands for one of the input sequences. */
      readonly kind: 'sequence';
      /** Which input: `A` (the text) or `B` (the text pair). */
      readonly sequence: 'A' | 'B';
      /** Token type id (segment id) given to every token of the sequence: 0 for `A`, 1 for `B` in ALBERT. */
      readonly typeId: number;
    }
  | {
      /** This item is a special token. */
      readonly kind: 'special';
      /** Name of the special token, a key of {@link TemplateProcessing.specialTokens} (`[CLS]`, `[SEP]`). */
      readonly name: string;
      /** Token type id (segment id) given to the special token's ids. */
      readonly typeId: number;
    };

/** A special token of a template: its name and the ids/tokens it stands for. */
export interface TemplateSpecialToken {
  /** Name used in the template. */
  readonly name: string;
  /** Ids it adds. */
  readonly ids: readonly number[];
  /** Tokens it adds. */
  readonly tokens: readonly string[];
}

/**
 * The `TemplateProcessing` post-processor: lays out `[CLS] $A [SEP]` / `[CLS] $A [SEP] $B:1 [SEP]:1`.
 * Special tokens get offsets `[0, 0]`, special-tokens mask 1 and the template's type id; sequence
 * tokens get the template's type id.
 */
export class TemplateProcessing {
  /** The post-processor's `type` in `tokenizer.json`. */
  readonly type = 'TemplateProcessing';
  /** Template for one sequence. */
  readonly single: readonly TemplatePiece[];
  /** Template for a pair. */
  readonly pair: readonly TemplatePiece[];
  /** The special tokens the templates use, by name. */
  readonly specialTokens: ReadonlyMap<string, TemplateSpecialToken>;

  /**
   * @param single - template for one sequence.
   * @param pair - template for a pair.
   * @param specialTokens - the special tokens used, by name.
   */
  constructor(
    single: readonly TemplatePiece[],
    pair: readonly TemplatePiece[],
    specialTokens: ReadonlyMap<string, TemplateSpecialToken>,
  ) {
    this.single = single;
    this.pair = pair;
    this.specialTokens = specialTokens;
  }

  /** Number of special tokens added to one sequence (`isPair` false) or a pair. */
  addedTokens(isPair: boolean): number {
    let count = 0;
    for (const piece of isPair ? this.pair : this.single) {
      if (piece.kind === 'special') count += this.specialTokens.get(piece.name)?.ids.length ?? 0;
    }
    return count;
  }

  /**
   * Lay out `first` (and `second`) following the template, as the library does: each input keeps
   * its sequence index (0 or 1) in `sequenceIds` (overflowing windows too), special tokens get
   * `null` word and sequence ids, and the parts are merged with their overflowing windows combined.
   */
  process(first: FastEncoding, second: FastEncoding | undefined, addSpecialTokens: boolean): FastEncoding {
    const inputs = second === undefined ? [first] : [first, second];
    inputs.forEach((encoding, index) => {
      encoding.sequenceIds = new Array<number | null>(encoding.ids.length).fill(index);
      for (const window of encoding.overflowing)
        window.sequenceIds = new Array<number | null>(window.ids.length).fill(index);
    });
    const template = second === undefined ? this.single : this.pair;
    let result = emptyEncoding();
    for (const piece of template) {
      if (piece.kind === 'sequence') {
        const encoding = piece.sequence === 'A' ? first : second;
        if (encoding === undefined) continue;
        result = mergeEncodings(result, {
          ...encoding,
          typeIds: new Array<number>(encoding.ids.length).fill(piece.typeId),
        });
      } else if (addSpecialTokens) {
        const special = this.specialTokens.get(piece.name);
        if (special === undefined) continue;
        const count = special.ids.length;
        result = mergeEncodings(result, {
          ids: [...special.ids],
          tokens: special.ids.map((_, index) => special.tokens[index] ?? ''),
          offsets: special.ids.map((): [number, number] => [0, 0]),
          typeIds: new Array<number>(count).fill(piece.typeId),
          specialTokensMask: new Array<number>(count).fill(1),
          attentionMask: new Array<number>(count).fill(1),
          wordIds: new Array<number | null>(count).fill(null),
          sequenceIds: new Array<number | null>(count).fill(null),
          overflowing: [],
        });
      }
    }
    return result;
  }
}
