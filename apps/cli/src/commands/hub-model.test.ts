/**
 * `--model ID` / `DIR|ID` of fill-mask, verify and export against a mock Hugging Face Hub on 127.0.0.1
 * (the Hub engineer's test server): downloads into a temporary HF_HUB_CACHE, then works offline from it.
 * Nothing here touches the real network: HF_ENDPOINT points at the mock and HF_HOME at a temporary folder.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMIT_MAIN, tinyRepos } from '../../../../packages/core/src/hub/test-hub-fixtures.js';
import { startMockHub, type MockHub } from '../../../../packages/core/src/hub/test-hub-server.js';
import { runCli } from '../run-cli.js';
import { createTestContext, type TestContext } from '../test-context.js';
import { commands } from './index.js';

const repoRoot = resolve(fileURLToPath(new URL('../../../../', import.meta.url)));
const expected = JSON.parse(readFileSync(resolve(repoRoot, 'apps/cli/demo-model/expected.json'), 'utf8')) as {
  cases: { text: string; input_ids: number[]; masks: { top_ids: number[]; top_scores: number[] }[] }[];
};

let hub: MockHub;
let home: string;
let cacheDir: string;

beforeAll(async () => {
  hub = await startMockHub(await tinyRepos());
  home = await mkdtemp(join(tmpdir(), 'albert-cli-hub-home-'));
  cacheDir = join(home, 'hub-cache');
});
afterAll(async () => {
  await hub.close();
  await rm(home, { recursive: true, force: true });
});

/** The environment of a user with no token, the mock Hub as endpoint and an empty cache. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  return { HF_ENDPOINT: hub.endpoint, HF_HOME: home, HF_HUB_CACHE: cacheDir, ...extra };
}

async function run(argv: string[], options: { env?: Record<string, string>; tty?: boolean } = {}) {
  const base = createTestContext({ cwd: repoRoot, env: options.env ?? environment() });
  let stderr = '';
  const context: TestContext =
    options.tty === true
      ? {
          ...base,
          stderr: { write: (text: string) => (stderr += text), isTTY: true, columns: 100 },
          errors: () => stderr,
        }
      : base;
  const code = await runCli(argv, context, commands);
  return { code, stdout: context.output(), stderr: context.errors() };
}

/** One line of `fill-mask --json`: Python's fill-mask output for a one-mask text. */
type FillMaskJson = { token: number; score: number; token_str: string; sequence: string }[];

function expectDemoPredictions(stdout: string): void {
  const testCase = expected.cases[0];
  if (testCase === undefined) throw new Error('expected.json has no case');
  const result = JSON.parse(stdout) as FillMaskJson;
  expect(result.map((prediction) => prediction.token)).toEqual(testCase.masks[0]?.top_ids);
  result.forEach((prediction, rank) =>
    expect(Math.abs(prediction.score - (testCase.masks[0]?.top_scores[rank] as number))).toBeLessThanOrEqual(1e-4),
  );
}

describe('--model accepts a Hugging Face Hub id (mock Hub on 127.0.0.1)', () => {
  const text = (): string => expected.cases[0]?.text ?? '';

  it('fill-mask --offline before anything is cached names the repository and the cache', async () => {
    const { code, stderr } = await run(['fill-mask', '--model', 'albert-ts/demo', '--offline', '--json', text()]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/HUB_OFFLINE_NOT_CACHED.*albert-ts\/demo/);
    expect(hub.requests).toHaveLength(0);
  });

  it('fill-mask --model org/name downloads into HF_HUB_CACHE and matches the demo model', async () => {
    const { code, stdout, stderr } = await run(['fill-mask', '--model', 'albert-ts/demo', '--json', text()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectDemoPredictions(stdout);
    const snapshot = join(cacheDir, 'models--albert-ts--demo', 'snapshots', COMMIT_MAIN);
    for (const file of ['config.json', 'model.safetensors', 'spiece.model'])
      expect(existsSync(join(snapshot, file)), file).toBe(true);
    expect(readFileSync(join(cacheDir, 'models--albert-ts--demo', 'refs', 'main'), 'utf8')).toBe(COMMIT_MAIN);
    expect(hub.requests.some((request) => request.path.includes('/albert-ts/demo/resolve/'))).toBe(true);
  });

  it('the same fill-mask --offline then runs from the cache without any request', async () => {
    const before = hub.requests.length;
    const { code, stdout, stderr } = await run([
      'fill-mask',
      '--model',
      'albert-ts/demo',
      '--offline',
      '--json',
      text(),
    ]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expectDemoPredictions(stdout);
    expect(hub.requests.length).toBe(before);
  });

  it('HF_HUB_OFFLINE=1 works like --offline, also with the Hub down', async () => {
    hub.setDown(true);
    try {
      const { code, stdout } = await run(['fill-mask', '--model', 'albert-ts/demo', '--json', text()], {
        env: environment({ HF_HUB_OFFLINE: '1' }),
      });
      expect(code).toBe(0);
      expectDemoPredictions(stdout);
    } finally {
      hub.setDown(false);
    }
  });

  it('draws a download progress bar on a TTY stderr, and nothing with --json', async () => {
    const freshCache = join(home, 'tty-cache');
    const quiet = await run(['fill-mask', '--model', 'albert-ts/demo', '--json', '--cache-dir', freshCache, text()], {
      tty: true,
    });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    await rm(freshCache, { recursive: true, force: true });
    const shown = await run(
      ['fill-mask', '--model', 'albert-ts/demo', '--top-k', '1', '--cache-dir', freshCache, text()],
      { tty: true },
    );
    expect(shown.code).toBe(0);
    expect(shown.stderr).toMatch(/model\.safetensors/);
    expect(shown.stderr).toMatch(/\r/);
    expect(existsSync(join(freshCache, 'models--albert-ts--demo'))).toBe(true);
    expect(existsSync(join(cacheDir, 'models--albert-ts--tiny'))).toBe(false);
  });

  it('--token reaches the Hub (private repository), and its absence gives the typed 401 error', async () => {
    const out = join(home, 'private.onnx');
    const denied = await run(['export', 'albert-ts/private', '--task', 'feature-extraction', '--out', out]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/HUB_UNAUTHORIZED|HUB_REPO_NOT_FOUND/);
    const allowed = await run([
      'export',
      'albert-ts/private',
      '--task',
      'feature-extraction',
      '--out',
      out,
      '--token',
      'hf_private',
    ]);
    expect(allowed.stderr).toBe('');
    expect(allowed.code).toBe(0);
    const summary = JSON.parse(allowed.stdout) as { bytes: number; checkpointBytes: number; head: string };
    expect(summary.head).toBe('AlbertModel');
    expect(summary.bytes).toBe((await stat(out)).size);
    expect(summary.checkpointBytes).toBe((await stat(join(repoRoot, 'fixtures/models/tiny/model.safetensors'))).size);
    expect(hub.requests.some((request) => request.authorization === 'Bearer hf_private')).toBe(true);
  });

  it('verify ID --cases FILE runs the Hub model (pinned with --revision) against the reference', async () => {
    const { code, stdout, stderr } = await run([
      'verify',
      'albert-ts/tiny',
      '--revision',
      'main',
      '--cases',
      'fixtures/models/tiny/cases.json',
    ]);
    expect(stderr).not.toMatch(/: failed/);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      directory: string;
      backends: { heads: Record<string, { status: string }> }[];
    };
    expect(report.directory).toMatch(/albert-ts\/tiny|models--albert-ts--tiny/);
    const heads = report.backends[0]?.heads ?? {};
    expect(heads['AlbertForPreTraining']?.status).toBe('passed');
    expect(heads['AlbertModel']?.status).toBe('passed');
    expect(heads['AlbertForQuestionAnswering']?.status).toBe('skipped');
  });

  it('a revision the repository lacks is a typed error naming it', async () => {
    const { code, stderr } = await run([
      'verify',
      'albert-ts/tiny',
      '--revision',
      'no-such-branch',
      '--cases',
      'fixtures/models/tiny/cases.json',
    ]);
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/HUB_REVISION_NOT_FOUND.*no-such-branch|no-such-branch.*HUB_REVISION_NOT_FOUND/s);
  });
});
