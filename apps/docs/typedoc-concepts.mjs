// A typedoc plugin for the packages of this repository:
// - documents every symbol once, in its home package: a package that re-exports another's symbols (albert-ts
//   re-exports config, tokenizer, core, pipelines and training; core re-exports AlbertConfig and the tokenizers)
//   does not get a second page for them; links and types point to the home package's page;
// - files every top-level symbol under a concept (`@category`) by where it is declared, so that each package page
//   and the navigation group the API by concept (Models, Hub and cache, Backend contract, ...) rather than one
//   long list per kind. An explicit `@category` tag in a symbol's TSDoc wins.
import { readFileSync } from 'node:fs';
import { Comment, CommentTag, Converter, ReflectionKind } from 'typedoc';

/** [pattern on the declaring file's path inside packages/, concept], first match wins. */
const CONCEPTS = [
  [/-error\.ts$|\/errors?\.ts$/, 'Errors'],
  [/^config\/src\/(check-option-keys|options-error)\.ts$/, 'Options'],
  [/^config\/src\//, 'Configuration'],
  [/^tokenizer\/src\/sentencepiece\//, 'SentencePiece model (spiece.model)'],
  [/^tokenizer\/src\/fast\//, 'Fast tokenizer (tokenizer.json)'],
  [/^tokenizer\/src\/(tokenizer-cases|python-text)\.ts$/, 'Testing helpers'],
  [/^tokenizer\/src\//, 'Tokenizers'],
  [/^core\/src\/model\//, 'Models'],
  [/^core\/src\/graph\//, 'Graph builder'],
  [/^core\/src\/backend\//, 'Backend contract'],
  [/^core\/src\/hub\//, 'Hub and cache'],
  [/^core\/src\/checkpoint\//, 'Checkpoints'],
  [/^core\/src\/verify\//, 'Verification'],
  [/^core\/src\/platform\//, 'Platform'],
  [/^core\/src\/tensor\.ts$/, 'Tensors'],
  [/^pipelines\/src\/(pipeline|pipeline-tasks|task-inputs)\.ts$/, 'pipeline()'],
  [/^pipelines\/src\/(pipeline-cases|pipeline-warn|scores|pipeline-tokenizer)\.ts$/, 'Helpers'],
  [/^pipelines\/src\/[a-z-]+-pipeline\.ts$/, 'Tasks'],
  [/^training\/src\/optim\//, 'Optimizers and schedules'],
  [/^training\/src\/graph\//, 'Backward graphs'],
  [/^training\/src\/trainer\//, 'Trainer'],
  [/^training\/src\/session\//, 'Training sessions'],
  [/^training\/src\/data\//, 'Data'],
  [/^training\/src\/metrics\//, 'Metrics'],
  [/^training\/src\/checkpoint\//, 'Checkpoints'],
  [/^training\/src\/verify\//, 'Verification'],
  [/^backend-[a-z]+\/src\/.*asset-urls\.ts$/, 'Asset URLs'],
  [/^backend-[a-z]+\/src\//, 'Backend'],
  [/^albert-ts\/src\/(albert-device|platform\/)/, 'Devices'],
  [/^albert-ts\/src\//, 'Models and pipeline with a device'],
];

/** The concept of a file, from its path (undefined outside packages/ or when nothing matches). */
function conceptOf(fileName) {
  const match = /\/packages\/(.+)$/.exec(fileName.replaceAll('\\', '/'));
  if (match === null) return undefined;
  return CONCEPTS.find(([pattern]) => pattern.test(match[1]))?.[1];
}

const packageNames = new Map();
/** The name of the package (packages/<directory>/package.json) that declares a file; undefined elsewhere. */
function homePackageOf(fileName) {
  const match = /^(.*\/packages\/[^/]+)\/src\//.exec(fileName.replaceAll('\\', '/'));
  if (match === null) return undefined;
  if (!packageNames.has(match[1])) {
    packageNames.set(match[1], JSON.parse(readFileSync(`${match[1]}/package.json`, 'utf8')).name);
  }
  return packageNames.get(match[1]);
}

/** @param {import('typedoc').Application} app */
export function load(app) {
  /** Re-exports of another package's symbols, removed before links are resolved. */
  const reExports = [];
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.parent?.kindOf(ReflectionKind.Project | ReflectionKind.Module)) return;
    if (reflection.kindOf(ReflectionKind.Module)) return;
    const symbol = context.getSymbolFromReflection(reflection);
    const declaration = symbol?.declarations?.[0];
    if (declaration === undefined) return;
    const home = homePackageOf(declaration.getSourceFile().fileName);
    // In the packages strategy, each package is converted on its own, with its entry point as the option.
    const converting = homePackageOf(app.options.getValue('entryPoints')[0] ?? '');
    if (home !== undefined && home !== converting) {
      reExports.push(reflection);
      return;
    }
    const concept = conceptOf(declaration.getSourceFile().fileName);
    if (concept === undefined) return;
    reflection.comment ??= new Comment();
    if (reflection.comment.getTag('@category') !== undefined) return;
    reflection.comment.blockTags.push(new CommentTag('@category', [{ kind: 'text', text: concept }]));
  });
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const reflection of reExports.splice(0)) context.project.removeReflection(reflection);
  });
}
