// ESM in Node, as a user writes it: fill-mask on node-cpu and node-wasm, then `done` (the test times the exit).
import { AlbertForMaskedLM, AlbertConfig, AlbertError, AlbertTokenizer } from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
import { wasmBackend } from '@albert-ts/backend-wasm';

const directory = new URL('./node_modules/@albert-ts/cli/demo-model/', import.meta.url);
const results = {};
for (const [name, backend] of [
  ['node-cpu', nodeBackend()],
  ['node-wasm', wasmBackend()],
]) {
  const model = await AlbertForMaskedLM.fromPretrained(directory.pathname, { backend });
  const result = await model.fillMask('The river flows into the [MASK].');
  results[name] = result.masks[0].predictions[0].token;
  await model.dispose();
}
if (
  typeof AlbertConfig.preset !== 'function' ||
  typeof AlbertTokenizer.fromBytes !== 'function' ||
  !(new AlbertError('X', 'x') instanceof Error)
) {
  throw new Error('core does not re-export AlbertConfig, AlbertError and the tokenizer');
}
console.log(JSON.stringify(results));
console.log('done');
