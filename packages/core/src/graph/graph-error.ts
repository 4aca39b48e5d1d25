import { AlbertError } from '@albert-ts/config';

/** Stable codes of {@link GraphError}. */
export type GraphErrorCode = 'GRAPH_UNSUPPORTED_OPTION' | 'GRAPH_MISSING_WEIGHT' | 'GRAPH_HEAD_MASK_ROW';

/** A graph cannot be built from this config, these weights and these options. */
export class GraphError extends AlbertError {
  declare readonly code: GraphErrorCode;

  /**
   * @param code - stable code.
   * @param message - message naming the option, key or value.
   * @param details - the offending `field`, `key`, `value`.
   */
  constructor(code: GraphErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}
