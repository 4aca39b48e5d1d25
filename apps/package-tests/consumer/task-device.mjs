// albert-ts with device strings.
import { AlbertForMaskedLM } from 'albert-ts';

const directory = new URL('./node_modules/@albert-ts/cli/demo-model/', import.meta.url).pathname;
const results = {};
for (const device of ['auto', 'wasm']) {
  const model = await AlbertForMaskedLM.fromPretrained(directory, { device });
  results[device] =
    `${model.backend.name}: ${(await model.fillMask('The river flows into the [MASK].')).masks[0].predictions[0].token}`;
  await model.dispose();
}
console.log(JSON.stringify(results));
console.log('done');
