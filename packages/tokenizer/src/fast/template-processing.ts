import type { FastEncoding } from './fast-encoding.js';

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
  constructor(single: readonly TemplatePiece[], pair: readonly TemplatePiece[], specialTokens: ReadonlyMap<string, TemplateSpecialToken>) {
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

  /** Lay out `first` (and `second`) following the template. */
  process(first: FastEncoding, second: FastEncoding | undefined, addSpecialTokens: boolean): FastEncoding {
    const template = second === undefined ? this.single : this.pair;
    const result: FastEncoding = { ids: [], tokens: [], offsets: [], typeIds: [], specialTokensMask: [], attentionMask: [] };
    for (const piece of template) {
      if (piece.kind === 'sequence') {
        const encoding = piece.sequence === 'A' ? first : second;
        if (encoding === undefined) continue;
        for (let index = 0; index < encoding.ids.length; index++) {
          result.ids.push(encoding.ids[index] as number);
          result.tokens.push(encoding.tokens[index] as string);
          result.offsets.push(encoding.offsets[index] as [number, number]);
          result.typeIds.push(piece.typeId);
          result.specialTokensMask.push(encoding.specialTokensMask[index] as number);
          result.attentionMask.push(encoding.attentionMask[index] as number);
        }
      } else if (addSpecialTokens) {
        const special = this.specialTokens.get(piece.name);
        if (special === undefined) continue;
        special.ids.forEach((id, index) => {
          result.ids.push(id);
          result.tokens.push(special.tokens[index] ?? '');
          result.offsets.push([0, 0]);
          result.typeIds.push(piece.typeId);
          result.specialTokensMask.push(1);
          result.attentionMask.push(1);
        });
      }
    }
    return result;
  }
}
