/** The full output of the fast pipeline for one input (the library's `Encoding`). */
export interface FastEncoding {
  /** Token ids. */
  ids: number[];
  /** Token strings (an added token keeps the whitespace it stripped; unknown pieces their text). */
  tokens: string[];
  /** `[start, end)` in code points of the original text; `[0, 0]` for added special tokens. */
  offsets: Array<[number, number]>;
  /** Segment ids. */
  typeIds: number[];
  /** 1 for tokens added by the post-processor or padding. */
  specialTokensMask: number[];
  /** 0 for padding. */
  attentionMask: number[];
}

/** Keep the first `length` tokens (or the last ones with `fromLeft`). */
export function truncateEncoding(encoding: FastEncoding, length: number, fromLeft = false): FastEncoding {
  if (length >= encoding.ids.length) return encoding;
  const pick = <T>(values: T[]): T[] => (fromLeft ? values.slice(values.length - length) : values.slice(0, length));
  return {
    ids: pick(encoding.ids),
    tokens: pick(encoding.tokens),
    offsets: pick(encoding.offsets),
    typeIds: pick(encoding.typeIds),
    specialTokensMask: pick(encoding.specialTokensMask),
    attentionMask: pick(encoding.attentionMask),
  };
}

/** Pad `encoding` to `length` tokens in place (right or left). */
export function padEncoding(
  encoding: FastEncoding,
  length: number,
  pad: { readonly id: number; readonly token: string; readonly typeId: number; readonly side: 'right' | 'left' },
): void {
  const missing = length - encoding.ids.length;
  if (missing <= 0) return;
  const fill = <T>(values: T[], value: () => T): void => {
    const padding = Array.from({ length: missing }, value);
    if (pad.side === 'right') values.push(...padding);
    else values.unshift(...padding);
  };
  fill(encoding.ids, () => pad.id);
  fill(encoding.tokens, () => pad.token);
  fill(encoding.offsets, () => [0, 0] as [number, number]);
  fill(encoding.typeIds, () => pad.typeId);
  fill(encoding.specialTokensMask, () => 1);
  fill(encoding.attentionMask, () => 0);
}
