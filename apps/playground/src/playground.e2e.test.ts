import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright';
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

  /** A new page whose requests leaving 127.0.0.1 are blocked and recorded. */
  async function guardedPage(): Promise<Page> {
    const page = await (browser as Browser).newPage();
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(served?.url ?? '') || url.startsWith('blob:') || url.startsWith('data:'))
        return route.continue();
      offsiteRequests.push(url);
      return route.abort();
    });
    return page;
  }

  const sentence = expected.cases[0]?.text ?? '';
  const reference = expected.cases[0]?.masks[0];

  it.each(['wasm', 'webgpu'])('fills the mask on %s', { timeout: 300_000 }, async (backend) => {
    const page = await guardedPage();
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
    const page = await guardedPage();
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
  // The fine-tune tab: the starting set (two topics, 25 % held out), trained in the page for 3 epochs.
  const required = (process.env.ALBERT_REQUIRE_BACKENDS ?? '').split(',').map((name) => name.trim());

  /** Opens the fine-tune tab and records every status text (the live ones are replaced within a step). */
  async function fineTunePage(): Promise<Page> {
    const page = await guardedPage();
    await page.goto(`${served?.url ?? ''}#fine-tune`);
    await page.evaluate(() => {
      const status = document.querySelector('#fine-tune-status') as HTMLElement;
      const seen: string[] = [];
      (globalThis as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => seen.push(status.textContent ?? '')).observe(status, {
        childList: true,
        characterData: true,
        subtree: true,
      });
    });
    return page;
  }

  const settled =
    '#fine-tune-status[data-state="done"], #fine-tune-status[data-state="error"], #fine-tune-status[data-state="cancelled"]';

  it("fine-tunes the demo model's classifier on wasm, then classifies with it", { timeout: 300_000 }, async () => {
    const page = await fineTunePage();
    expect(await page.isVisible('#fine-tune-panel')).toBe(true);
    expect(await page.isVisible('#tasks-panel')).toBe(false);
    expect(await page.inputValue('#fine-tune-data')).toContain('{"text":"She baked fresh bread');
    await page.check('input[name="fine-tune-backend"][value="wasm"]');
    const started = Date.now();
    await page.click('#fine-tune-start');
    expect(await page.isEnabled('#fine-tune-start')).toBe(false);
    try {
      await page.waitForSelector(settled, { timeout: 280_000 });
    } finally {
      const seen = await page.evaluate(() => (globalThis as unknown as { statuses: string[] }).statuses);
      console.log(
        `playground fine-tune wasm: statuses ${seen.slice(-4).join(' | ')} (${(Date.now() - started) / 1000} s)`,
      );
    }
    const seconds = (Date.now() - started) / 1000;
    const status = (await page.textContent('#fine-tune-status')) ?? '';
    expect(await page.getAttribute('#fine-tune-status', 'data-state'), status).toBe('done');
    expect(status).toMatch(/^trained: 18 steps on wasm \(4 threads\)/);
    const statuses = await page.evaluate(() => (globalThis as unknown as { statuses: string[] }).statuses);
    expect(statuses.some((text) => /^epoch 3\/3 · step 18\/18 · loss \d\.\d{4} · \d+\.\d\d steps\/s/.test(text))).toBe(
      true,
    );
    // the loss went down: the plot's series, last epoch against the first
    const losses = ((await page.getAttribute('#fine-tune-plot', 'data-losses')) ?? '').split(' ').map(Number);
    expect(losses).toHaveLength(18);
    expect(await page.locator('#fine-tune-plot polyline.loss').getAttribute('points')).toMatch(
      /^(\S+,\S+ ){17}\S+,\S+$/,
    );
    const mean = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    expect(mean(losses.slice(-6))).toBeLessThan(mean(losses.slice(0, 6)) * 0.8);
    // held-out accuracy before training and after each epoch; the last clearly above chance (14 examples)
    const rows = page.locator('#fine-tune-evaluations tbody tr');
    expect(await rows.evaluateAll((elements) => elements.map((row) => (row as HTMLElement).dataset.epoch))).toEqual([
      '0',
      '1',
      '2',
      '3',
    ]);
    const accuracies = (
      await rows.evaluateAll((elements) => elements.map((row) => (row as HTMLElement).dataset.accuracy))
    ).map(Number);
    console.log(
      `playground fine-tune wasm: ${seconds.toFixed(1)} s, loss ${losses.map((loss) => loss.toFixed(2)).join(' ')}, held-out accuracy ${accuracies.map((value) => value.toFixed(3)).join(' → ')} (${status})`,
    );
    expect(accuracies[3]).toBeGreaterThanOrEqual(11 / 14);
    // try it: the fine-tuned classifier through the text-classification pipeline
    for (const [text, topic] of [
      ['The astronauts saw the moon and the stars.', 'space'],
      ['Fry the onions in butter and add salt.', 'cooking'],
    ] as const) {
      await page.fill('#fine-tune-text', text);
      await page.click('#fine-tune-classify');
      await page.waitForFunction(
        (expected) => document.querySelector('#fine-tune-result pre.json')?.textContent?.includes(expected) === true,
        text === 'The astronauts saw the moon and the stars.' ? 'space' : 'cooking',
      );
      await page.waitForFunction(() => !(document.querySelector('#fine-tune-classify') as HTMLButtonElement).disabled);
      expect(await page.textContent('#fine-tune-result .ranked li:first-child .label'), text).toBe(topic);
      expect(await page.locator('#fine-tune-result .ranked li').count()).toBe(2);
    }
    // the checkpoint's files, as downloads; config.json names the labels
    const names = await page
      .locator('#fine-tune-files a')
      .evaluateAll((links) => links.map((link) => (link as HTMLAnchorElement).download));
    expect(names.sort()).toEqual([
      'config.json',
      'model.safetensors',
      'optimizer.safetensors',
      'special_tokens_map.json',
      'spiece.model',
      'tokenizer_config.json',
      'trainer_state.json',
    ]);
    const config = await page.evaluate(async () => {
      const link = document.querySelector('#fine-tune-files a[download="config.json"]') as HTMLAnchorElement;
      return (await (await fetch(link.href)).json()) as Record<string, unknown>;
    });
    expect(config).toMatchObject({
      architectures: ['AlbertForSequenceClassification'],
      id2label: { 0: 'cooking', 1: 'space' },
    });
    expect(offsiteRequests).toEqual([]);
    await page.close();
  });

  // WebGPU (SwiftShader here, where a step of the demo model takes about a minute on 2 shared cores): two steps
  // of a small set, whose losses must be WebAssembly's (same seed: same head, same shuffle), then try it.
  it('fine-tunes on webgpu as on wasm (two steps of a small set)', { timeout: 600_000 }, async (context) => {
    const page = await fineTunePage();
    const adapter = await page.evaluate(async () => {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
      return gpu === undefined ? 'no navigator.gpu' : (await gpu.requestAdapter()) === null ? 'no adapter' : '';
    });
    if (adapter !== '' && !required.includes('browser-webgpu')) {
      await page.close();
      context.skip(`WebGPU: ${adapter} in this Chromium (SwiftShader needs Vulkan)`);
    }
    const small = (await page.inputValue('#fine-tune-data'))
      .split('\n')
      .filter((_, index) => index % 7 === 0)
      .join('\n');
    await page.fill('#fine-tune-data', small);
    await page.fill('#fine-tune-held-out', '0');
    await page.fill('#fine-tune-epochs', '1');
    await page.fill('#fine-tune-batch', '4');
    const lossesOn: Record<string, number[]> = {};
    for (const backend of ['wasm', 'webgpu'] as const) {
      await page.check(`input[name="fine-tune-backend"][value="${backend}"]`);
      const started = Date.now();
      await page.click('#fine-tune-start');
      await page.waitForSelector(settled, { timeout: 560_000 });
      const status = (await page.textContent('#fine-tune-status')) ?? '';
      expect(await page.getAttribute('#fine-tune-status', 'data-state'), status).toBe('done');
      expect(status).toMatch(
        backend === 'wasm' ? /^trained: 2 steps on wasm \(4 threads\)/ : /^trained: 2 steps on webgpu \(jsep build/,
      );
      lossesOn[backend] = ((await page.getAttribute('#fine-tune-plot', 'data-losses')) ?? '').split(' ').map(Number);
      console.log(
        `playground fine-tune ${backend}, 2 steps of 8 examples: losses ${lossesOn[backend]?.join(' ')} in ${((Date.now() - started) / 1000).toFixed(1)} s (${status})`,
      );
      expect(await page.locator('#fine-tune-evaluations tbody tr').count()).toBe(0);
    }
    expect(lossesOn['webgpu']).toHaveLength(2);
    lossesOn['webgpu']?.forEach((loss, index) =>
      expect(Math.abs(loss - (lossesOn['wasm']?.[index] as number))).toBeLessThanOrEqual(1e-3),
    );
    await page.click('#fine-tune-classify');
    await page.waitForSelector('#fine-tune-result .ranked li:first-child .label');
    expect(await page.textContent('#fine-tune-result .ranked li:first-child .label')).toMatch(/^(cooking|space)$/);
    expect(offsiteRequests).toEqual([]);
    await page.close();
  });

  it(
    'cancels fine-tuning between steps, and names a bad line, a single label, an empty set and a bad setting',
    { timeout: 300_000 },
    async () => {
      const page = await fineTunePage();
      await page.fill('#fine-tune-epochs', '100');
      await page.fill('#fine-tune-batch', '2');
      await page.click('#fine-tune-start');
      await page.waitForFunction(
        () => Number((document.querySelector('#fine-tune-status') as HTMLElement).dataset.step ?? 0) >= 2,
        undefined,
        { timeout: 200_000 },
      );
      // a real click while training runs (the page yields a frame between steps); each of Playwright's round
      // trips waits for the step in progress, seconds each on a loaded machine
      await page.click('#fine-tune-cancel', { force: true, timeout: 120_000 });
      await page.waitForSelector(settled, { timeout: 120_000 });
      const status = (await page.textContent('#fine-tune-status')) ?? '';
      expect(await page.getAttribute('#fine-tune-status', 'data-state'), status).toBe('cancelled');
      const steps = Number(/^cancelled after (\d+) steps? on wasm/.exec(status)?.[1]);
      expect(steps).toBeGreaterThanOrEqual(2);
      expect(steps).toBeLessThan(2100);
      expect(await page.isEnabled('#fine-tune-start')).toBe(true);
      expect(await page.isEnabled('#fine-tune-cancel')).toBe(false);
      // nothing trains on after the cancel; the weights so far can be tried
      const plotted = (await page.getAttribute('#fine-tune-plot', 'data-losses'))?.split(' ').length;
      expect(plotted).toBe(steps);
      await page.waitForTimeout(1000);
      expect((await page.getAttribute('#fine-tune-plot', 'data-losses'))?.split(' ').length).toBe(steps);
      expect(await page.isVisible('#fine-tune-try')).toBe(true);

      const line = (text: string, label: string): string => JSON.stringify({ text, label });
      for (const [data, epochs, message] of [
        [
          `${line('Boil the rice.', 'cooking')}\n${line('The moon is bright.', 'space')}\n{"text": "broken",`,
          '3',
          /^pasted set:3: not JSON .*\[TRAINING_BAD_BATCH\]$/,
        ],
        [
          `${line('Boil the rice.', 'cooking')}\n{"label": "space"}`,
          '3',
          /^pasted set:2: expected an object with a string "text" \[TRAINING_BAD_BATCH\]$/,
        ],
        [
          `${line('Boil the rice.', 'cooking')}\n${line('Fry the eggs.', 'cooking')}`,
          '3',
          /^pasted set: every line has the label "cooking"; a classifier needs at least two labels \[TRAINING_BAD_LABELS\]$/,
        ],
        ['', '3', /^pasted set: no examples .*\[TRAINING_BAD_BATCH\]$/],
        [
          `${line('Boil the rice.', 'cooking')}\n${line('The moon is bright.', 'space')}`,
          '0',
          /^epochs must be an integer from 1 to 100, not 0 \[TRAINING_BAD_OPTIONS\]$/,
        ],
      ] as const) {
        await page.fill('#fine-tune-data', data);
        await page.fill('#fine-tune-epochs', epochs);
        await page.click('#fine-tune-start');
        await page.waitForSelector('#fine-tune-status[data-state="error"]', { timeout: 60_000 });
        expect(await page.textContent('#fine-tune-status')).toMatch(message);
        expect(await page.isEnabled('#fine-tune-start')).toBe(true);
      }
      // an uploaded file is named in its messages
      await page.setInputFiles('#fine-tune-file', {
        name: 'topics.jsonl',
        mimeType: 'application/jsonl',
        buffer: Buffer.from(`${line('Boil the rice.', 'cooking')}\nnot json\n`),
      });
      await page.waitForFunction(() =>
        (document.querySelector('#fine-tune-data') as HTMLTextAreaElement).value.includes('not json'),
      );
      await page.fill('#fine-tune-epochs', '3');
      await page.click('#fine-tune-start');
      await page.waitForSelector('#fine-tune-status[data-state="error"]', { timeout: 60_000 });
      expect(await page.textContent('#fine-tune-status')).toMatch(/^topics\.jsonl:2: not JSON/);
      // the tabs switch panels
      await page.click('#tab-tasks');
      expect(await page.isVisible('#tasks-panel')).toBe(true);
      expect(await page.isVisible('#fine-tune-panel')).toBe(false);
      expect(offsiteRequests).toEqual([]);
      await page.close();
    },
  );
});
