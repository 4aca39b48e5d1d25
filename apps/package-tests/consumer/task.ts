// TypeScript (the minimum version the READMEs state), strict, nodenext, skipLibCheck off: the published
// .d.ts files must type-check as users compile them.
import { AlbertForMaskedLM, BackendError, type FillMaskResult } from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';
import { AlbertForSequenceClassification, selectDevice, type AlbertDevice } from 'albert-ts';
import { runCli } from '@albert-ts/cli';

const directory: string = `${process.cwd()}/node_modules/@albert-ts/cli/demo-model`;
const device: AlbertDevice = 'cpu';
const results: Record<string, string> = {};
for (const backend of [nodeBackend(), wasmBackend()]) {
  const model = await AlbertForMaskedLM.fromPretrained(directory, { backend });
  const result: FillMaskResult = await model.fillMask('The river flows into the [MASK].');
  results[backend.name] = result.masks[0]?.predictions[0]?.token ?? '';
  await model.dispose();
}
const selection = await selectDevice({ device });
const error = await AlbertForMaskedLM.fromPretrained(directory, {} as never).catch((caught: unknown) => caught);
if (!(error instanceof BackendError) || error.code !== 'BACKEND_NONE_GIVEN')
  throw new Error('expected BACKEND_NONE_GIVEN');
console.log(
  JSON.stringify({
    results,
    selected: selection.name,
    classifier: typeof AlbertForSequenceClassification,
    cli: typeof runCli,
  }),
);
console.log('done');
