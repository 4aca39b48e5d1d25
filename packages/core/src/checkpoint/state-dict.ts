import type { Tensor } from '../tensor.js';

/**
 * The tensors of a checkpoint, keyed as stored in the file (Hugging Face PyTorch names such as
 * `albert.embeddings.word_embeddings.weight`), every value upcast to float32.
 */
export type StateDict = ReadonlyMap<string, Tensor<'float32'>>;
