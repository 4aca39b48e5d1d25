/** SQuAD's answer normalization: lower case, no punctuation, no articles (a, an, the), single spaces. */
export function normalizeAnswer(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\p{P}\p{S}]/gu, '')
    .replace(/\b(a|an|the)\b/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '')
    .join(' ');
}

/**
 * SQuAD exact match: 1 when the normalized prediction equals one normalized reference, else 0.
 *
 * @example
 * ```ts
 * exactMatch('The Eiffel Tower', ['eiffel tower']); // 1 (case, articles and punctuation are ignored)
 * ```
 */
export function exactMatch(prediction: string, references: readonly string[]): number {
  const normalized = normalizeAnswer(prediction);
  return references.some((reference) => normalizeAnswer(reference) === normalized) ? 1 : 0;
}

/**
 * SQuAD token F1 of a prediction against its best-matching reference.
 *
 * @example
 * ```ts
 * answerF1('in Paris, France', ['Paris']); // 0.5
 * ```
 */
export function answerF1(prediction: string, references: readonly string[]): number {
  const predicted = normalizeAnswer(prediction)
    .split(' ')
    .filter((word) => word !== '');
  let best = 0;
  for (const reference of references) {
    const actual = normalizeAnswer(reference)
      .split(' ')
      .filter((word) => word !== '');
    if (predicted.length === 0 || actual.length === 0) {
      best = Math.max(best, predicted.length === actual.length ? 1 : 0);
      continue;
    }
    const counts = new Map<string, number>();
    for (const word of actual) counts.set(word, (counts.get(word) ?? 0) + 1);
    let common = 0;
    for (const word of predicted) {
      const count = counts.get(word) ?? 0;
      if (count > 0) {
        common += 1;
        counts.set(word, count - 1);
      }
    }
    if (common === 0) continue;
    const precision = common / predicted.length;
    const recall = common / actual.length;
    best = Math.max(best, (2 * precision * recall) / (precision + recall));
  }
  return best;
}
