import { readFileSync } from 'node:fs';

/** The version of `@albert-ts/cli`, read from its package.json (one level above `src/` and `dist/`). */
export function packageVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const json = JSON.parse(text) as { version?: unknown };
  return typeof json.version === 'string' ? json.version : '0.0.0';
}
