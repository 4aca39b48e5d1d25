import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// The runnable examples of the task guides (docs/task-*.md) run here, so they cannot rot: each
// `<!-- example -->` ts block is written to apps/cli/.docs-examples/, imported (vitest compiles it), and
// what it prints must equal the `text` block after it — numbers within 1e-4, everything else exactly.
// ALBERT_UPDATE_DOC_EXAMPLES=1 writes the printed output into the guides instead.
const repoRoot = resolve(fileURLToPath(new URL('../../../', import.meta.url)));
const examplesDirectory = resolve(repoRoot, 'apps/cli/.docs-examples');
const update = process.env['ALBERT_UPDATE_DOC_EXAMPLES'] === '1';
const EXAMPLE = /<!-- example -->\n```ts\n([\s\S]*?)```\n\nPrints:\n\n```text\n([\s\S]*?)```/g;
const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

function sameOutput(expected: string, actual: string): boolean {
  const expectedNumbers = expected.match(NUMBER) ?? [];
  const actualNumbers = actual.match(NUMBER) ?? [];
  if (expected.replace(NUMBER, '#') !== actual.replace(NUMBER, '#') || expectedNumbers.length !== actualNumbers.length)
    return false;
  return expectedNumbers.every((value, index) => Math.abs(Number(value) - Number(actualNumbers[index])) <= 1e-4);
}

const guides = readdirSync(resolve(repoRoot, 'docs')).filter(
  (name) => name.startsWith('task-') && name.endsWith('.md'),
);
let counter = 0;

describe('docs/task-*.md examples', () => {
  mkdirSync(examplesDirectory, { recursive: true });
  afterAll(() => rmSync(examplesDirectory, { recursive: true, force: true }));

  it('every task guide has an example', () => {
    expect(guides.length).toBeGreaterThanOrEqual(8);
  });

  for (const guide of guides) {
    it(`${guide} prints what it says`, async () => {
      const path = resolve(repoRoot, 'docs', guide);
      let text = readFileSync(path, 'utf8');
      const examples = [...text.matchAll(EXAMPLE)];
      expect(examples.length, `${guide} has an <!-- example --> block`).toBeGreaterThan(0);
      const previous = process.cwd();
      process.chdir(repoRoot);
      try {
        for (const example of examples) {
          const [whole, code, printed] = example as unknown as [string, string, string];
          counter += 1;
          const file = join(examplesDirectory, `example-${counter}.ts`);
          writeFileSync(file, code);
          const lines: string[] = [];
          const log = console.log;
          console.log = (...values: unknown[]) =>
            lines.push(values.map((value) => (typeof value === 'string' ? value : JSON.stringify(value))).join(' '));
          try {
            await import(/* @vite-ignore */ file);
          } finally {
            console.log = log;
          }
          const output = `${lines.join('\n')}\n`;
          if (update)
            text = text.replace(whole, whole.replace(`\`\`\`text\n${printed}\`\`\``, `\`\`\`text\n${output}\`\`\``));
          else
            expect(sameOutput(printed, output), `${guide} printed:\n${output}\nthe guide says:\n${printed}`).toBe(true);
        }
      } finally {
        process.chdir(previous);
      }
      if (update) writeFileSync(path, text);
    }, 120_000);
  }
});
