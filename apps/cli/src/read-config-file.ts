import { readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AlbertConfig, ConfigError, DEFAULT_ALBERT_CONFIG_LIMITS } from '@albert-ts/config';
import { decodeUtf8Text } from '@albert-ts/core';

/**
 * Reads an ALBERT config from `path`: a config.json file, or a model directory holding one. Relative
 * paths are resolved against `cwd`.
 * @throws `ConfigError` `CONFIG_NOT_FOUND` naming the path when there is no such file, or any parse or
 * validation error of `AlbertConfig.parse` (naming the file); text is decoded as the library decodes
 * model files (`decodeUtf8Text`).
 */
export async function readConfigFile(path: string, cwd: string): Promise<AlbertConfig> {
  const absolute = resolve(cwd, path);
  let file = absolute;
  try {
    if ((await stat(absolute)).isDirectory()) file = join(absolute, 'config.json');
  } catch {
    throw new ConfigError('CONFIG_NOT_FOUND', `no such file or directory: ${path}`, { file: absolute, value: path });
  }
  let bytes: Uint8Array;
  try {
    // a config.json far larger than any real one is refused before it is read
    const { size } = await stat(file);
    if (size > DEFAULT_ALBERT_CONFIG_LIMITS.maximumLength) {
      throw new ConfigError(
        'CONFIG_LIMIT_EXCEEDED',
        `${file} has ${size} bytes, more than the limit maximumLength = ${DEFAULT_ALBERT_CONFIG_LIMITS.maximumLength}`,
        {
          file,
          value: size,
          limit: 'maximumLength',
        },
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError('CONFIG_NOT_FOUND', `no config.json in ${path} (looked for ${file})`, { file, value: path });
  }
  // the library's decoding: a byte order mark is dropped, invalid UTF-8 is CHECKPOINT_INVALID_TEXT
  return AlbertConfig.parse(decodeUtf8Text(bytes, file), { file });
}
