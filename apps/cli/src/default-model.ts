import { fileURLToPath } from 'node:url';

/**
 * Directory of the small pretrained demo model embedded in the CLI package (`apps/cli/demo-model/`):
 * the model commands use when no `--model` is given. Works from `src/` (tests) and `dist/` (built CLI)
 * alike, since both are one level below the package root.
 */
export function defaultModelDirectory(): string {
  return fileURLToPath(new URL('../demo-model/', import.meta.url));
}
