import type { BackendLoadOptions } from '@albert-ts/core';

/**
 * The load options every training session starts from (a caller's options override them): onnxruntime's
 * memory pattern off. With the pattern on, the runtime plans one block for all intermediates of the next
 * run besides the allocator's own buffers; a training graph keeps its forward activations for the backward
 * pass, so the block and the buffers each hold them: albert-base at 8 × 128 peaked at 3066 MiB with the
 * pattern and 1702 MiB without, and a step was no slower (2.48 s → 2.14 s; docs/performance.md).
 */
export const TRAINING_LOAD_OPTIONS: BackendLoadOptions = Object.freeze({ enableMemPattern: false });
