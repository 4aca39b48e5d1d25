/**
 * transformers' `clean_up_tokenization`: removes the space before `.`, `?`, `!`, `,` and English
 * contractions (`n't`, `'m`, `'s`, `'ve`, `'re`) and around a lone `'`.
 */
export function cleanUpTokenization(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}
