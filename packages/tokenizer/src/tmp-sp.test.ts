import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { SentencePieceProcessor } from './index.js';
const files: Record<string,string> = {
  'cases-albert-base-v2.json': 'albert-base-v2/spiece.model',
  'cases-hf-test-sentencepiece.json': 'hf-test-sentencepiece/test_sentencepiece.model',
  'cases-hf-test-sentencepiece-bpe.json': 'hf-test-sentencepiece/test_sentencepiece_bpe.model',
  'cases-hf-test-sentencepiece-bytefallback.json': 'hf-test-sentencepiece/test_sentencepiece_with_bytefallback.model',
};
it('sp', () => {
for (const [c, m] of Object.entries(files)) {
  const t0 = performance.now();
  const sp = SentencePieceProcessor.fromBytes(readFileSync('/work/shared/third-party/tokenizers/' + m));
  const t1 = performance.now();
  const cases = JSON.parse(readFileSync('/work/main/fixtures/tokenizers/' + c, 'utf8')).cases;
  let total = 0, bad = 0;
  for (const k of cases) {
    if (!k.sentencepiece) continue;
    total++;
    const r = sp.encode(k.sentencepiece.input);
    const e = k.sentencepiece;
    for (const f of ['pieces', 'ids', 'offsets'] as const) {
      if (JSON.stringify(r[f]) !== JSON.stringify(e[f])) { bad++; if (bad < 6) console.log(c, k.id, f, JSON.stringify(e.input), '\n exp', JSON.stringify(e[f]), '\n got', JSON.stringify(r[f])); break; }
    }
  }
  console.log(c, 'load ms', (t1 - t0).toFixed(1), 'total', total, 'bad', bad);
}
});
