/**
 * Browser test settings shared by `@albert-ts/backend-wasm` and `@albert-ts/backend-webgpu` (and the
 * playground): vitest browser mode driving the system Chromium through `@vitest/browser-playwright`
 * (Playwright downloads no browser). `--enable-unsafe-webgpu` gives Chromium a WebGPU adapter even on a
 * GPU-less machine (SwiftShader through Vulkan).
 *
 * Files reach the browser through the Vite dev server: `server.fs.allow` opens the repository's
 * `fixtures/`, `../shared/third-party/` and the cache directory of generated test data; tests fetch them
 * at `/@fs/<absolute path>` (see `src/test-support/browser-files.ts`). The absolute paths and
 * `ALBERT_REQUIRE_BACKENDS` reach the page as `import.meta.env.ALBERT_*` values (`define`).
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playwright } from '@vitest/browser-playwright';
import { defaultServerConditions } from 'vite';
import { mergeConfig, type TestProjectInlineConfiguration, type ViteUserConfig } from 'vitest/config';
import {
  fixturesDirectory,
  generatedDirectory,
  repositoryRoot,
  thirdPartyDirectory,
} from './src/test-support/test-directories.ts';

export { fixturesDirectory, generatedDirectory, repositoryRoot, thirdPartyDirectory };

/** Path of the system Chromium (Debian's `chromium` package). */
export const chromiumPath = process.env.ALBERT_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium flags: no sandbox (containers), no network chatter, WebGPU on (SwiftShader where there is no GPU). */
export const chromiumArguments = [
  '--no-sandbox',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--enable-unsafe-webgpu',
];

/**
 * Browser command (runs in Node): writes a parity report `parity-<name>.json` into
 * `ALBERT_PARITY_REPORT_DIR` when it is set, like the Node parity tests do.
 */
async function writeParityReport(_context: unknown, name: string, json: string): Promise<void> {
  const directory = process.env.ALBERT_PARITY_REPORT_DIR;
  if (directory === undefined || directory === '') return;
  await mkdir(directory, { recursive: true });
  await writeFile(join(directory, `parity-${name}.json`), json);
}

/** The `test.browser` block of a browser project: headless Chromium, one instance. */
export function chromiumBrowser(): NonNullable<NonNullable<ViteUserConfig['test']>['browser']> {
  return {
    enabled: true,
    headless: true,
    provider: playwright({ launchOptions: { executablePath: chromiumPath, args: chromiumArguments } }),
    instances: [{ browser: 'chromium' }],
    screenshotFailures: false,
    commands: { writeParityReport },
  };
}

/** Vite settings every browser project needs: file access, env values, onnxruntime-web served unbundled. */
export function browserViteSettings(): ViteUserConfig {
  return {
    server: { fs: { allow: [repositoryRoot, ...(existsSync(thirdPartyDirectory) ? [thirdPartyDirectory] : [])] } },
    // onnxruntime-web locates its .wasm next to its own module (import.meta.url): pre-bundling would move the module away from it.
    optimizeDeps: { exclude: ['onnxruntime-web'] },
    // The Node side (globalSetup) loads workspace packages from their TypeScript sources, like the Node projects.
    environments: {
      __vitest__: {
        resolve: { conditions: ['@albert-ts/source', ...defaultServerConditions], noExternal: [/^@albert-ts\//] },
      },
    },
    define: {
      'import.meta.env.ALBERT_FIXTURES_DIRECTORY': JSON.stringify(fixturesDirectory),
      'import.meta.env.ALBERT_THIRD_PARTY_DIRECTORY': JSON.stringify(thirdPartyDirectory),
      'import.meta.env.ALBERT_GENERATED_DIRECTORY': JSON.stringify(generatedDirectory),
      'import.meta.env.ALBERT_REQUIRE_BACKENDS': JSON.stringify(process.env.ALBERT_REQUIRE_BACKENDS ?? ''),
      'import.meta.env.ALBERT_WEBGPU_BUILDS': JSON.stringify(process.env.ALBERT_WEBGPU_BUILDS ?? ''),
      'import.meta.env.ALBERT_WEBGPU_BENCH': JSON.stringify(process.env.ALBERT_WEBGPU_BENCH ?? ''),
    },
  };
}

/**
 * Whether the browser project can run: Chromium must exist. Without it the project is left out with a
 * printed reason, unless `ALBERT_REQUIRE_BACKENDS` names one of `requiredNames` (then it stays in and fails).
 */
export function browserProjectEnabled(requiredNames: readonly string[]): boolean {
  if (existsSync(chromiumPath)) return true;
  const required = (process.env.ALBERT_REQUIRE_BACKENDS ?? '').split(',').map((name) => name.trim());
  const requiredHere = requiredNames.filter((name) => required.includes(name));
  if (requiredHere.length > 0) {
    console.warn(
      `browser tests: no Chromium at ${chromiumPath}, but ALBERT_REQUIRE_BACKENDS requires ${requiredHere.join(', ')}: they will fail`,
    );
    return true;
  }
  console.warn(
    `browser tests skipped: no Chromium at ${chromiumPath} (install Debian's chromium, or set ALBERT_CHROMIUM_PATH)`,
  );
  return false;
}

/** The browser tests' globalSetup (builds the consistency models they read), shared by both packages. */
const consistencyGlobalSetup = fileURLToPath(
  new URL('./src/test-support/consistency-global-setup.ts', import.meta.url),
);

/**
 * The two test projects of a backend package: `node` (the `*.test.ts` files under `src`) and `browser`
 * (Chromium, the `*.browser.test.ts` files). Without Chromium (see {@link browserProjectEnabled}) the browser
 * project runs only `test/browser-unavailable.skip-test.ts`, one skipped test that says why.
 */
export function nodeAndBrowserProjects(backendName: string): TestProjectInlineConfiguration[] {
  const node: TestProjectInlineConfiguration = {
    extends: true,
    test: { name: 'node', include: ['src/**/*.test.ts'], exclude: ['src/**/*.browser.test.ts'] },
  };
  if (!browserProjectEnabled([backendName]))
    return [node, { extends: true, test: { name: 'browser', include: ['test/browser-unavailable.skip-test.ts'] } }];
  const browser: TestProjectInlineConfiguration = mergeConfig(browserViteSettings(), {
    extends: true,
    test: {
      name: 'browser',
      include: ['src/**/*.browser.test.ts'],
      globalSetup: [consistencyGlobalSetup],
      browser: chromiumBrowser(),
    },
  });
  return [node, browser];
}
