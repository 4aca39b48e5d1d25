import { CheckpointError } from '../checkpoint-error.js';

/**
 * Checks that a model file name is a relative path inside its source (no `..` segment, no absolute
 * path, no backslash, no NUL), so that names read from files such as an index's `weight_map` cannot
 * reach outside the model directory. Returns the name unchanged.
 */
export function checkModelFileName(name: string, description: string): string {
  const segments = name.split('/');
  const bad =
    name.length === 0 ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.includes('\0') ||
    /^[A-Za-z]:/.test(name) ||
    segments.some((segment) => segment === '..' || segment === '.' || segment === '');
  if (bad) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID_FILE_NAME',
      `invalid model file name ${JSON.stringify(name)} in ${description}: names must be relative paths inside the model`,
      { file: name, source: description },
    );
  }
  return name;
}

/** The error every source throws for an absent file. */
export function fileNotFound(name: string, description: string): CheckpointError {
  return new CheckpointError('CHECKPOINT_FILE_NOT_FOUND', `${name}: file not found in ${description}`, {
    file: name,
    source: description,
  });
}
