import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AlbertConfig, ConfigError } from '@albert-ts/config';

/**
 * Reads an ALBERT config from `path`: a config.json file, or a model directory holding one. Relative
 * paths are resolved against `cwd`.
 * @throws `ConfigError` `CONFIG_NOT_FOUND` naming the path when there is no such file, or any parse or
 * validation error of `AlbertConfig.parse` (naming the file).
 */
export async function readConfigFile(path: string, cwd: string): Promise<AlbertConfig> {
  const absolute = resolve(cwd, path);
  let file = absolute;
  try {
    if ((await stat(absolute)).isDirectory()) file = join(absolute, 'config.json');
  } catch {
    throw new ConfigError('CONFIG_NOT_FOUND', `no such file or directory: ${path}`, { file: absolute, value: path });
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError('CONFIG_NOT_FOUND', `no config.json in ${path} (looked for ${file})`, { file, value: path });
  }
  return AlbertConfig.parse(text, { file });
}
