// CommonJS on Node >= 20.19: require(esm) loads the ESM-only packages.
const core = require('@albert-ts/core');
const { wasmBackend } = require('@albert-ts/backend-wasm');
const albert = require('albert-ts');
if (
  typeof core.AlbertForMaskedLM !== 'function' ||
  typeof wasmBackend !== 'function' ||
  typeof albert.selectDevice !== 'function'
) {
  throw new Error('require(esm) did not load the packages');
}
console.log('done');
