// albert-ts: the public API of @albert-ts/config, tokenizer, core, pipelines and training in one import,
// with model classes whose fromPretrained takes a device (they shadow core's classes of the same name).
export * from '@albert-ts/config';
export * from '@albert-ts/tokenizer';
export * from '@albert-ts/core';
// The task layer and training; `pipeline` is shadowed below by one that takes a `device`.
export * from '@albert-ts/pipelines';
export * from '@albert-ts/training';
// Names two packages export with different meanings: core's and config's here; the pipelines' fill-mask types
// (Python's dicts: `FillMaskOutput`) and training's graph-building losses stay reachable from their packages.
export { FILL_MASK_OPTION_KEYS, type FillMaskPrediction } from '@albert-ts/core';
export {
  binaryCrossEntropyWithLogitsLoss,
  crossEntropyLoss,
  meanSquaredErrorLoss,
  questionAnsweringLoss,
} from '@albert-ts/core';
export { checkOptionKeys } from '@albert-ts/config';
export * from './albert-device.js';
export { pipeline, type DevicePipelineOptions, type DevicePipelineTask } from './device-pipeline.js';
export {
  AlbertForMaskedLM,
  AlbertForMultipleChoice,
  AlbertForPreTraining,
  AlbertForQuestionAnswering,
  AlbertForSequenceClassification,
  AlbertForTokenClassification,
  AlbertModel,
  resolveDeviceOptions,
  type DeviceFromPretrainedOptions,
} from './device-models.js';
