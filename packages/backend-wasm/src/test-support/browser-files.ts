/**
 * Test support for browser runs: reads files that the Vite dev server exposes under `/@fs/` (see
 * `vitest.browser.ts`). Not part of the package API.
 */

interface AlbertTestEnvironment {
  readonly ALBERT_FIXTURES_DIRECTORY?: string;
  readonly ALBERT_THIRD_PARTY_DIRECTORY?: string;
  readonly ALBERT_GENERATED_DIRECTORY?: string;
  readonly ALBERT_REQUIRE_BACKENDS?: string;
}

const environment = (import.meta as unknown as { env: AlbertTestEnvironment }).env;

/** Absolute directories of the test data, as the browser config defined them. */
export const testDirectories = {
  fixtures: environment.ALBERT_FIXTURES_DIRECTORY ?? '',
  thirdParty: environment.ALBERT_THIRD_PARTY_DIRECTORY ?? '',
  generated: environment.ALBERT_GENERATED_DIRECTORY ?? '',
};

/** `ALBERT_REQUIRE_BACKENDS` of the process that started the browser tests. */
export const requiredBackends = environment.ALBERT_REQUIRE_BACKENDS ?? '';

/** Fetches a file by absolute path through the dev server; `undefined` when it does not exist. */
export async function fetchFile(absolutePath: string): Promise<Uint8Array | undefined> {
  const response = await fetch(`/@fs${absolutePath.startsWith('/') ? '' : '/'}${absolutePath}`);
  // 404: no such file; 403: outside the allowed directories (e.g. ../shared/third-party absent when the server started)
  if (response.status === 404 || response.status === 403) return undefined;
  if (!response.ok) throw new Error(`fetching ${absolutePath} gave HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** Fetches a file that must exist. */
export async function fetchRequiredFile(absolutePath: string): Promise<Uint8Array> {
  const bytes = await fetchFile(absolutePath);
  if (bytes === undefined) throw new Error(`${absolutePath} does not exist`);
  return bytes;
}

/** Reads a file of the repository's `fixtures/` (path relative to it), the parity suite's `readFixture`. */
export function readFixture(relativePath: string): Promise<Uint8Array> {
  return fetchRequiredFile(`${testDirectories.fixtures}/${relativePath}`);
}

/** Sends parity rows to the Node side (browser command of `vitest.browser.ts`), which writes them when `ALBERT_PARITY_REPORT_DIR` is set. */
export async function writeParityReport(name: string, rows: readonly unknown[]): Promise<void> {
  if (rows.length === 0) return;
  const { commands } = await import('vitest/browser');
  await (commands as unknown as { writeParityReport(name: string, json: string): Promise<void> }).writeParityReport(
    name,
    `${JSON.stringify(rows, null, 1)}\n`,
  );
}
