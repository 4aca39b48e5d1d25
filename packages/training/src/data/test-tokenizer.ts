import { loadTokenizer, type AlbertTokenizerFast } from '@albert-ts/tokenizer';

let cached: Promise<AlbertTokenizerFast> | undefined;

/** The pipelines fixture tokenizer (the demo model's 16k vocabulary), loaded once per test file. */
export function testTokenizer(): Promise<AlbertTokenizerFast> {
  cached ??= loadTokenizer(new URL('../../../../fixtures/pipelines/tokenizer/', import.meta.url).pathname);
  return cached;
}

/** Collects an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const list: T[] = [];
  for await (const item of items) list.push(item);
  return list;
}
