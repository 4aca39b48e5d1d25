import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig, type Plugin } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
/** The CLI's embedded demo model, served (dev) and copied (build) at `./demo-model/`. */
const demoModelDirectory = resolve(here, '../cli/demo-model');
const demoModelFiles = [
  'config.json',
  'model.safetensors',
  'spiece.model',
  'tokenizer_config.json',
  'special_tokens_map.json',
];

/** Cross-origin isolation, so that WebAssembly can use threads (SharedArrayBuffer). */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function demoModel(): Plugin {
  return {
    name: 'albert-demo-model',
    configureServer(server) {
      server.middlewares.use('/demo-model/', (request, response) => {
        const name = (request.url ?? '').split('?')[0]?.replace(/^\//, '') ?? '';
        // any other name is absent (404), not the dev server's index.html: sources probe for optional files
        if (!demoModelFiles.includes(name)) {
          response.statusCode = 404;
          response.end();
          return;
        }
        response.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
        createReadStream(join(demoModelDirectory, name)).pipe(response);
      });
    },
    generateBundle() {
      if (!existsSync(demoModelDirectory)) return;
      for (const name of readdirSync(demoModelDirectory).filter((file) => demoModelFiles.includes(file))) {
        this.emitFile({
          type: 'asset',
          fileName: `demo-model/${name}`,
          source: readFileSync(join(demoModelDirectory, name)),
        });
      }
    },
  };
}

export default defineConfig({
  base: './',
  // Workspace packages are used from their TypeScript sources (no build of the libraries needed).
  resolve: { conditions: ['@albert-ts/source', ...defaultClientConditions] },
  // onnxruntime-web finds its .wasm next to its own module: keep it out of dev pre-bundling.
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  plugins: [demoModel()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  build: { target: 'es2022', chunkSizeWarningLimit: 2048 },
});
