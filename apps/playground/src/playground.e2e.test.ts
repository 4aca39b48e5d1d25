import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserProjectEnabled,
  chromiumArguments,
  chromiumPath,
} from '../../../packages/backend-wasm/vitest.browser.ts';

// End to end: `vite build` of the playground, served from 127.0.0.1 with cross-origin isolation
// headers, driven in the system Chromium: pick a backend, type a sentence, read the top tokens. Every
// request that leaves 127.0.0.1 is blocked and recorded (nothing may come from a CDN).
const root = fileURLToPath(new URL('..', import.meta.url));
const expected = JSON.parse(await readFile(new URL('../../cli/demo-model/expected.json', import.meta.url), 'utf8')) as {
  cases: { text: string; masks: { top_tokens: string[]; top_scores: number[] }[] }[];
};
// Skipped with its reason without Chromium, unless ALBERT_REQUIRE_BACKENDS requires a browser backend.
const chromiumMissing = !browserProjectEnabled(['browser-wasm', 'browser-webgpu']);

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

function serve(directory: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')).replace(/^(\.\.[/\\])+/, '');
    const file = join(directory, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, {
          'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream',
          'Cross-Origin-Opener-Policy': 'same-origin',
          'Cross-Origin-Embedder-Policy': 'require-corp',
        });
        response.end(body);
      },
      () => {
        response.writeHead(404).end();
      },
    );
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as { port: number }).port}/` }),
    ),
  );
}

describe.skipIf(chromiumMissing)('playground (built with Vite, in Chromium)', () => {
  let outDir = '';
  let served: { server: Server; url: string } | undefined;
  let browser: Browser | undefined;
  const offsiteRequests: string[] = [];

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'albert-playground-'));
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
    // the pipeline fixtures' small task models, each with the fixtures' tokenizer files, at ./task-models/<name>/
    const fixtures = fileURLToPath(new URL('../../../fixtures/pipelines/', import.meta.url));
    for (const name of [
      'sequence-classification',
      'token-classification',
      'question-answering',
      'nli',
      'feature-extraction',
    ]) {
      await cp(join(fixtures, name), join(outDir, 'task-models', name), { recursive: true });
      for (const file of await readdir(join(fixtures, 'tokenizer')))
        await cp(join(fixtures, 'tokenizer', file), join(outDir, 'task-models', name, file));
    }
    served = await serve(outDir);
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArguments, headless: true });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => served?.server.close(resolve));
    if (outDir !== '') await rm(outDir, { recursive: true, force: true });
  });

  const sentence = expected.cases[0]?.text ?? '';
  const reference = expected.cases[0]?.masks[0];

  it.each(['wasm', 'webgpu'])('fills the mask on %s', { timeout: 300_000 }, async (backend) => {
    const page = await (browser as Browser).newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(served?.url ?? '') || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      offsiteRequests.push(url);
      return route.abort();
    });
    const messages: string[] = [];
    page.on('console', (message) => messages.push(`${message.type()}: ${message.text()}`));
    await page.goto(served?.url ?? '');
    expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
    await page.check(`input[name="backend"][value="${backend}"]`);
    await page.fill('#sentence', sentence);
    await page.click('#run');
    await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 280_000 });
    const status = await page.textContent('#status');
    expect(
      await page.getAttribute('#status', 'data-state'),
      `status: ${status}; console: ${messages.join(' | ')}`,
    ).toBe('done');
    // the page is cross-origin isolated, so WebAssembly runs with the 4 threads the playground asks for
    expect(status).toMatch(backend === 'wasm' ? /^wasm \(4 threads\)/ : /^webgpu \(jsep build/);
    const tokens = await page.locator('tr.prediction td.token').allTextContents();
    const scores = (await page.locator('tr.prediction td.score').allTextContents()).map(Number);
    console.log(
      `playground ${backend}: ${sentence} → ${tokens.map((token, index) => `${token} ${scores[index]}`).join(', ')} (${status})`,
    );
    expect(tokens).toEqual(reference?.top_tokens.map((token) => token.replace(/^\u2581/, '')));
    reference?.top_scores.forEach((score, index) =>
      expect(Math.abs((scores[index] as number) - score)).toBeLessThanOrEqual(2e-6),
    );
    expect(offsiteRequests).toEqual([]);
    await page.close();
  });

  // Every task of the task picker, on the pipeline fixtures' task models (Python's outputs in
  // fixtures/pipelines/cases.json) and the demo model; multiple choice runs on the bare encoder, whose
  // new head is initialized (the page shows the ranking, whatever it is).
  const TASKS = [
    {
      task: 'text-classification',
      model: './task-models/sequence-classification/',
      text: 'I loved this library, it works well.',
      second: '',
      check: '.ranked li:first-child .label',
      expected: 'negative',
    },
    {
      task: 'token-classification',
      model: './task-models/token-classification/',
      text: 'Alice Smith moved from Paris to Berlin in 2019.',
      second: '',
      check: 'mark.entity',
      expected: 'A',
    },
    {
      task: 'question-answering',
      model: './task-models/question-answering/',
      text: 'Where does the river flow?',
      second: 'The river starts in the mountains and flows into the sea near the old city.',
      check: 'mark.answer',
      expected: 'The river starts in the mountains and flows',
    },
    {
      task: 'feature-extraction',
      model: './task-models/feature-extraction/',
      text: 'Hello world.',
      second: '',
      check: 'p.embedding',
      expected: /^mean-pooled vector of 32 values/,
    },
    {
      task: 'zero-shot-classification',
      model: './task-models/nli/',
      text: 'The server crashed after the update.',
      second: 'software, cooking, sports',
      check: '.ranked li:first-child .label',
      expected: 'cooking',
    },
    {
      task: 'multiple-choice',
      model: './task-models/feature-extraction/',
      text: 'The river flows into',
      second: 'the sea. | a table.',
      check: '.ranked li .label',
      expected: /^(the sea\.|a table\.)$/,
    },
    {
      task: 'sentence-order',
      model: './demo-model/',
      text: 'The river starts in the mountains.',
      second: 'Then it flows into the sea.',
      check: '.ranked li:first-child .label',
      expected: /^(in_order|swapped)$/,
    },
  ] as const;

  it.each(['wasm', 'webgpu'])('runs every task on %s', { timeout: 300_000 }, async (backend) => {
    const page = await (browser as Browser).newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(served?.url ?? '') || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      offsiteRequests.push(url);
      return route.abort();
    });
    await page.goto(served?.url ?? '');
    await page.check(`input[name="backend"][value="${backend}"]`);
    for (const entry of TASKS) {
      await page.selectOption('#task', entry.task);
      await page.fill('#model-url', entry.model);
      await page.fill('#sentence', entry.text);
      if (entry.second !== '') await page.fill('#second', entry.second);
      await page.click('#run');
      await page.waitForSelector('#status[data-state="done"], #status[data-state="error"]', { timeout: 120_000 });
      expect(
        await page.getAttribute('#status', 'data-state'),
        `${entry.task}: ${await page.textContent('#status')}`,
      ).toBe('done');
      expect(await page.textContent('#status')).toMatch(/ms \(model loaded in \d+ ms\)$/);
      const shown = (await page.locator(entry.check).first().textContent()) ?? '';
      if (typeof entry.expected === 'string') expect(shown, entry.task).toBe(entry.expected);
      else expect(shown, entry.task).toMatch(entry.expected);
      expect(await page.isEnabled('#run')).toBe(true);
    }
    // a plain-language error: fill-mask without [MASK]
    await page.selectOption('#task', 'fill-mask');
    await page.fill('#model-url', './demo-model/');
    await page.fill('#sentence', 'no mask here');
    await page.click('#run');
    await page.waitForSelector('#status[data-state="error"]', { timeout: 120_000 });
    expect(await page.textContent('#status')).toMatch(/no mask token.*\[PIPELINE_NO_MASK_TOKEN\]/);
    expect(offsiteRequests).toEqual([]);
    await page.close();
  });
});
