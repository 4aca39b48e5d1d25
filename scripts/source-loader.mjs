// Runs the workspace's TypeScript sources in a plain Node process (Node 20 has no type stripping):
//   node --conditions=@albert-ts/source --import ./scripts/source-loader.mjs file.ts
// Used by tests that must spawn a real process (does it exit when its work is done?) without a build.
// `.js` specifiers inside the sources resolve to their `.ts` file; `.ts` files are transpiled with the
// workspace's TypeScript (types erased only, no type check).
import { register } from 'node:module';

if (!import.meta.url.includes('?hooks')) {
  register(`${import.meta.url}?hooks`, import.meta.url);
}

/** @type {import('typescript') | undefined} */
let typescript;

export async function resolve(specifier, context, nextResolve) {
  const fromTypeScript = context.parentURL?.endsWith('.ts') === true;
  if (fromTypeScript && specifier.endsWith('.js') && (specifier.startsWith('.') || specifier.startsWith('/'))) {
    try {
      return await nextResolve(specifier.replace(/\.js$/, '.ts'), context);
    } catch {
      // not a TypeScript source: the .js file itself
    }
  }
  return nextResolve(specifier, context);
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts') || url.endsWith('.d.ts')) return nextLoad(url, context);
  const { readFile } = await import('node:fs/promises');
  typescript ??= (await import('typescript')).default;
  const source = await readFile(new URL(url), 'utf8');
  const output = typescript.transpileModule(source, {
    fileName: new URL(url).pathname,
    compilerOptions: {
      module: typescript.ModuleKind.ESNext,
      target: typescript.ScriptTarget.ES2022,
      verbatimModuleSyntax: true,
      sourceMap: false,
      inlineSourceMap: true,
    },
  });
  return { format: 'module', source: output.outputText, shortCircuit: true };
}
