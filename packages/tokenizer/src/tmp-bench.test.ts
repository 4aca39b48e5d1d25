import { readFileSync } from 'node:fs';
import { it } from 'vitest';
import { AlbertTokenizer, SentencePieceProcessor } from './index.js';
it('bench', () => {
  const bytes = readFileSync('/work/shared/third-party/tokenizers/albert-base-v2/spiece.model');
  const sp = SentencePieceProcessor.fromBytes(bytes);
  const tok = AlbertTokenizer.fromBytes(bytes);
  const cases = JSON.parse(readFileSync('/work/main/fixtures/tokenizers/cases-albert-base-v2.json', 'utf8')).cases;
  const english = cases.filter((c: any) => c.category === 'english' || c.category === 'paragraph' || c.category === 'long').map((c: any) => c.text);
  const mixed = cases.filter((c: any) => typeof c.text === 'string').map((c: any) => c.text);
  for (const [name, pool] of [['english', english], ['mixed', mixed]] as const) {
    const lines: string[] = [];
    let size = 0;
    while (size < 3_000_000) { for (const t of pool) { lines.push(t); size += Buffer.byteLength(t) + 1; } }
    const mb = size / 1e6;
    for (let round = 0; round < 2; round++) {
      let t = performance.now(); let n = 0;
      for (const line of lines) n += sp.encodeAsIds(line).length;
      let dt = (performance.now() - t) / 1000;
      console.log(name, 'sp.encodeAsIds per line', (mb / dt).toFixed(2), 'MB/s', (n / dt / 1e6).toFixed(2), 'M tokens/s');
      t = performance.now(); n = 0;
      for (const line of lines) n += sp.encode(line).ids.length;
      dt = (performance.now() - t) / 1000;
      console.log(name, 'sp.encode (offsets) per line', (mb / dt).toFixed(2), 'MB/s');
      t = performance.now(); n = 0;
      for (const line of lines) n += tok.encode(line).inputIds.length;
      dt = (performance.now() - t) / 1000;
      console.log(name, 'AlbertTokenizer.encode per line', (mb / dt).toFixed(2), 'MB/s');
      t = performance.now(); n = 0;
      for (const line of lines) n += tok.tokenize(line).length;
      dt = (performance.now() - t) / 1000;
      console.log(name, 'AlbertTokenizer.tokenize per line', (mb / dt).toFixed(2), 'MB/s');
    }
  }
});
