// Test helper: downloads one file in a separate Node process (the cross-process lock test).
// Loads the TypeScript sources through Vite's SSR module loader. Arguments: endpoint cacheDir repoId file.
import { createServer } from 'vite';

const [endpoint, cacheDir, repoId, file] = process.argv.slice(2);
const server = await createServer({
  configFile: false,
  root: new URL('../../', import.meta.url).pathname,
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, ws: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
  resolve: { conditions: ['@albert-ts/source', 'node', 'import', 'default'] },
  ssr: {
    resolve: {
      conditions: ['@albert-ts/source', 'node', 'import', 'default'],
      externalConditions: ['@albert-ts/source'],
    },
  },
});
try {
  const { hubDownload } = await server.ssrLoadModule('/src/hub/hub-download.ts');
  const result = await hubDownload(repoId, file, { endpoint, cacheDir, token: false, retryDelayMs: 10 });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await server.close();
}
