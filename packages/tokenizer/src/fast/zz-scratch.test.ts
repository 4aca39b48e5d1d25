import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { AlbertTokenizerFast } from './albert-tokenizer-fast.js';
it('scratch', () => {
  let t0 = performance.now();
  const json = readFileSync('/work/shared/third-party/tokenizers/albert-base-v2/tokenizer.json', 'utf8');
  const t = AlbertTokenizerFast.fromJSON(json);
  console.log('load ms', performance.now() - t0);
  const cases = JSON.parse(readFileSync('/work/main/fixtures/tokenizers/cases-albert-base-v2.json', 'utf8')).cases;
  const texts: string[] = cases.filter((c: any) => c.text).map((c: any) => c.text);
  let text = texts.join('\n');
  while (text.length < 1_000_000) text += '\n' + text;
  const lines = text.split('\n');
  t0 = performance.now();
  let n = 0;
  for (const line of lines) n += t.encode(line).inputIds.length;
  const ms = performance.now() - t0;
  console.log('MB', (new TextEncoder().encode(text).length / 1e6).toFixed(2), 'ms', ms.toFixed(0), 'MB/s', (new TextEncoder().encode(text).length / 1e6 / (ms / 1000)).toFixed(2), 'tokens', n);
});
