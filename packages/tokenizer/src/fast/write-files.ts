import { TokenizerError } from '../tokenizer-error.js';

/**
 * Node only: writes `files` (name → bytes) into `directory`, creating it when missing. Each file is
 * written under a temporary name and renamed into place, so a failure leaves no half-written file.
 * (Node modules are imported when called, so the package stays importable in browsers.)
 * @returns the paths written, in order.
 * @throws TokenizerError `TOKENIZER_INVALID_INPUT` naming the path that could not be written.
 */
export async function writeFiles(
  directory: string,
  files: ReadonlyArray<readonly [string, Uint8Array]>,
): Promise<string[]> {
  const { fsPromises: fs, path } = await import('#node-builtins');
  const written: string[] = [];
  try {
    await fs.mkdir(directory, { recursive: true });
  } catch (cause) {
    throw new TokenizerError(
      'TOKENIZER_INVALID_INPUT',
      `${directory}: cannot create the directory (${(cause as Error).message})`,
      { file: directory },
      { cause },
    );
  }
  for (const [name, bytes] of files) {
    const target = path.join(directory, name);
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await fs.writeFile(temporary, bytes);
      await fs.rename(temporary, target);
    } catch (cause) {
      await fs.rm(temporary, { force: true }).catch(() => undefined);
      throw new TokenizerError(
        'TOKENIZER_INVALID_INPUT',
        `${target}: cannot write the file (${(cause as Error).message})`,
        { file: target },
        { cause },
      );
    }
    written.push(target);
  }
  return written;
}
