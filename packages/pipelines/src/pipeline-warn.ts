/**
 * Receives the warnings a pipeline gives where Python logs one (a fill-mask target replaced, no
 * `entailment` label, ...). Default: `console.warn`.
 */
export type PipelineWarn = (message: string) => void;

/** The default {@link PipelineWarn}: `console.warn`. */
export const consoleWarn: PipelineWarn = (message) => console.warn(message);
