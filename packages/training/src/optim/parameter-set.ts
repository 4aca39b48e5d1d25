/**
 * Named float32 tensors: the parameters a trainer owns (fp32 master weights), their gradients, or an
 * optimizer's state. Keys are HF parameter names (`albert.encoder.…`); a missing gradient means the
 * loss does not reach the parameter (PyTorch's `grad is None`).
 */
export type ParameterSet = Map<string, Float32Array>;

/** A read-only {@link ParameterSet}. */
export type ReadonlyParameterSet = ReadonlyMap<string, Float32Array>;
