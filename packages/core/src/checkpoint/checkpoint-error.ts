import { AlbertError } from '@albert-ts/config';

/**
 * Stable codes of {@link CheckpointError}.
 *
 * - `CHECKPOINT_FILE_NOT_FOUND`: a file the checkpoint needs is not in the source.
 * - `CHECKPOINT_NO_WEIGHTS_FILE`: the source has none of the known weights files.
 * - `CHECKPOINT_LFS_POINTER`: a weights file is a Git LFS pointer, not the weights themselves.
 * - `CHECKPOINT_READ_FAILED`: reading a file failed (I/O or HTTP error).
 * - `CHECKPOINT_INVALID_FILE_NAME`: a file name escapes the source (`..`, absolute path).
 * - `CHECKPOINT_TRUNCATED`: the file ends before the data its header describes.
 * - `CHECKPOINT_HEADER_TOO_LARGE`: a safetensors header length exceeds the file size.
 * - `CHECKPOINT_INVALID_HEADER`: a safetensors header is not valid JSON or not the expected structure.
 * - `CHECKPOINT_UNSUPPORTED_DTYPE`: an element type albert-ts does not read.
 * - `CHECKPOINT_SIZE_MISMATCH`: the bytes of a tensor do not match its shape × element size.
 * - `CHECKPOINT_OFFSETS_OUT_OF_BOUNDS`: a tensor's data lies outside the data section.
 * - `CHECKPOINT_OVERLAPPING_OFFSETS`: two tensors share bytes.
 * - `CHECKPOINT_OFFSETS_GAP`: bytes of the data section belong to no tensor.
 * - `CHECKPOINT_DUPLICATE_TENSOR`: the same key appears twice (e.g. in two shards).
 * - `CHECKPOINT_INVALID_INDEX`: a sharded index file is malformed or disagrees with its shards.
 * - `CHECKPOINT_MISSING_TENSOR`: a tensor the model needs is absent.
 * - `CHECKPOINT_SHAPE_MISMATCH`: a tensor has another shape than the config implies.
 * - `CHECKPOINT_WRONG_DTYPE`: a weight is stored with an integer dtype.
 * - `CHECKPOINT_TIED_WEIGHT_MISMATCH`: a stored tied duplicate differs from the tensor it is tied to.
 * - `CHECKPOINT_DISALLOWED_GLOBAL`: a pickle references a global outside the allow-list.
 * - `CHECKPOINT_INVALID_PICKLE`: a pickle is malformed or uses an unsupported construct.
 * - `CHECKPOINT_INVALID_ZIP`: a torch zip archive is malformed.
 * - `CHECKPOINT_UNSUPPORTED_COMPRESSION`: a zip entry uses a compression this runtime cannot inflate.
 * - `CHECKPOINT_INVALID_TORCH_FILE`: a torch file is neither a valid zip nor a valid legacy stream.
 * - `CHECKPOINT_INVALID_MSGPACK`: a Flax msgpack file is malformed or not the expected tree.
 * - `CHECKPOINT_LIMIT_EXCEEDED`: a size the file declares exceeds a `CheckpointLimits` bound (refused
 *   before allocating; the message names the limit and how to raise it).
 * - `CHECKPOINT_INVALID_LIMITS`: the `checkpointLimits` option (or an options object of the readers)
 *   has an unknown key or a bad value.
 * - `CHECKPOINT_EXPANDING_VIEW`: a pickled tensor's zero or overlapping strides expand its storage
 *   into a large tensor.
 * - `CHECKPOINT_OUTSIDE_SOURCE`: a file of the model is a symbolic link to a file outside the model
 *   directory.
 *
 * (`CHECKPOINT_INVALID_TEXT`, a text file of the model that is not valid UTF-8, is an `InvalidTextError`
 * of `@albert-ts/config`, thrown by `decodeUtf8Text`.)
 */
export type CheckpointErrorCode =
  | 'CHECKPOINT_FILE_NOT_FOUND'
  | 'CHECKPOINT_NO_WEIGHTS_FILE'
  | 'CHECKPOINT_LFS_POINTER'
  | 'CHECKPOINT_READ_FAILED'
  | 'CHECKPOINT_INVALID_FILE_NAME'
  | 'CHECKPOINT_TRUNCATED'
  | 'CHECKPOINT_HEADER_TOO_LARGE'
  | 'CHECKPOINT_INVALID_HEADER'
  | 'CHECKPOINT_UNSUPPORTED_DTYPE'
  | 'CHECKPOINT_SIZE_MISMATCH'
  | 'CHECKPOINT_OFFSETS_OUT_OF_BOUNDS'
  | 'CHECKPOINT_OVERLAPPING_OFFSETS'
  | 'CHECKPOINT_OFFSETS_GAP'
  | 'CHECKPOINT_DUPLICATE_TENSOR'
  | 'CHECKPOINT_INVALID_INDEX'
  | 'CHECKPOINT_MISSING_TENSOR'
  | 'CHECKPOINT_SHAPE_MISMATCH'
  | 'CHECKPOINT_WRONG_DTYPE'
  | 'CHECKPOINT_TIED_WEIGHT_MISMATCH'
  | 'CHECKPOINT_DISALLOWED_GLOBAL'
  | 'CHECKPOINT_INVALID_PICKLE'
  | 'CHECKPOINT_INVALID_ZIP'
  | 'CHECKPOINT_UNSUPPORTED_COMPRESSION'
  | 'CHECKPOINT_INVALID_TORCH_FILE'
  | 'CHECKPOINT_INVALID_MSGPACK'
  | 'CHECKPOINT_LIMIT_EXCEEDED'
  | 'CHECKPOINT_INVALID_LIMITS'
  | 'CHECKPOINT_EXPANDING_VIEW'
  | 'CHECKPOINT_OUTSIDE_SOURCE';

/** Structured context of a {@link CheckpointError}. */
export interface CheckpointErrorDetails {
  /** The file (as named in its source) the problem is in. */
  readonly file: string;
  /** The tensor key, pickle global or msgpack path concerned, when there is one. */
  readonly key?: string;
  /** What was expected (a shape, a size, a range), when it applies. */
  readonly expected?: unknown;
  /** What was found, when it applies. */
  readonly actual?: unknown;
  /** Any further context. */
  readonly [name: string]: unknown;
}

/**
 * A checkpoint file is missing, malformed, unsafe, or does not fit the model's config. The message
 * names the file and the tensor (or pickle global, or field); {@link CheckpointError.details} holds
 * the same in structured form.
 */
export class CheckpointError extends AlbertError {
  declare readonly code: CheckpointErrorCode;
  declare readonly details: Readonly<CheckpointErrorDetails>;

  /**
   * @param code - stable error code.
   * @param message - human-readable message; names the file and the key.
   * @param details - the file, key, expected and actual values.
   * @param options - standard error options (`cause`).
   */
  constructor(
    code: CheckpointErrorCode,
    message: string,
    details: CheckpointErrorDetails,
    options?: { cause?: unknown },
  ) {
    super(code, message, { ...details }, options);
  }
}
