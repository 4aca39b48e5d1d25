// Bundles the browser app (browser/wasm.html, auto.html, threads.html) with one bundler, as a user's project
// would: `node bundle.mjs vite|webpack|esbuild` writes dist-<bundler>/{wasm,auto,threads}.html and their assets;
// `node bundle.mjs <bundler> auto` bundles only the named pages, into dist-<bundler>-auto (bundle sizes per page).
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

const bundler = process.argv[2];
const chosenPages = process.argv.slice(3);
const root = resolve('browser');
const outDir = resolve(chosenPages.length === 0 ? `dist-${bundler}` : `dist-${bundler}-${chosenPages.join('-')}`);
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const pages = chosenPages.length === 0 ? ['wasm', 'auto', 'threads'] : chosenPages;
const page = (name, script) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>albert-ts ${name}</title></head>` +
  `<body><script type="module" src="./${script}"></script></body></html>`;

if (bundler === 'vite') {
  const { build } = await import('vite');
  await build({
    root,
    base: './',
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: Object.fromEntries(pages.map((name) => [name, join(root, `${name}.html`)])) },
    },
  });
} else if (bundler === 'webpack') {
  const { default: webpack } = await import('webpack');
  const stats = await new Promise((resolvePromise, reject) => {
    webpack(
      {
        mode: 'production',
        target: 'web',
        context: root,
        entry: Object.fromEntries(pages.map((name) => [name, `./${name}-app.js`])),
        output: { path: outDir, filename: '[name].js', module: true, chunkFormat: 'module', publicPath: 'auto' },
        experiments: { outputModule: true },
        performance: { hints: false },
        // Minifying onnxruntime-web twice costs most of a minute on 2 cores; the sizes reported are unminified.
        optimization: { minimize: false },
      },
      (error, result) => (error ? reject(error) : resolvePromise(result)),
    );
  });
  if (stats.hasErrors()) throw new Error(stats.toString({ all: false, errors: true }));
  for (const name of pages) writeFileSync(join(outDir, `${name}.html`), page(name, `${name}.js`));
} else if (bundler === 'esbuild') {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: Object.fromEntries(pages.map((name) => [name, join(root, `${name}-app.js`)])),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: true,
    outdir: outDir,
    logLevel: 'warning',
  });
  // esbuild does not emit `new URL('x.wasm', import.meta.url)` assets: copy onnxruntime-web's files next to
  // the bundle (the recipe the docs give for esbuild): at the top, where onnxruntime-web's own module looks for
  // them, and under onnxruntime-web/, where `@albert-ts/backend-wasm/assets`'s URLs point from a top-level chunk.
  // Only the builds the pages use: the WASM build for @albert-ts/backend-wasm, the JSEP build for albert-ts.
  const ortDist = dirname(createRequire(import.meta.url).resolve('onnxruntime-web'));
  const builds = new Set(pages.map((name) => (name === 'auto' ? 'jsep' : 'wasm')));
  mkdirSync(join(outDir, 'onnxruntime-web'));
  for (const file of readdirSync(ortDist)) {
    const match = /^ort-wasm-simd-threaded(\.jsep)?\.(wasm|mjs)$/.exec(file);
    if (match === null || !builds.has(match[1] === undefined ? 'wasm' : 'jsep')) continue;
    copyFileSync(join(ortDist, file), join(outDir, file));
    if (pages.includes('threads') && match[1] === undefined)
      copyFileSync(join(ortDist, file), join(outDir, 'onnxruntime-web', file));
  }
  for (const name of pages) writeFileSync(join(outDir, `${name}.html`), page(name, `${name}.js`));
} else {
  throw new Error(`unknown bundler ${bundler}`);
}
console.log('done');
