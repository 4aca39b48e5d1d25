/**
 * Where the files of a model come from: a directory, memory, a base URL, the Hub cache. Names are
 * relative, `/`-separated paths such as `config.json` or `model-00001-of-00003.safetensors`.
 */
export interface ModelFileSource {
  /** Human-readable location (a directory path, a URL) used in error messages. */
  readonly description: string;
  /** Whether the source has a file of this name. Never throws for a plain absence. */
  has(name: string): Promise<boolean>;
  /** The bytes of a file; throws a `CheckpointError` (`CHECKPOINT_FILE_NOT_FOUND`) when absent. */
  read(name: string): Promise<Uint8Array>;
  /** The UTF-8 text of a file; throws a `CheckpointError` (`CHECKPOINT_FILE_NOT_FOUND`) when absent. */
  readText(name: string): Promise<string>;
}
