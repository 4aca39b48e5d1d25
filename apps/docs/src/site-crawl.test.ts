import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserProjectEnabled,
  chromiumArguments,
  chromiumPath,
} from '../../../packages/backend-wasm/vitest.browser.ts';

// Crawls the built site (`pnpm run docs` writes apps/docs/dist) from index.html: every page reachable
// through links is read and every internal link and asset must exist; Chromium loads every guide, every
// package page and every 10th API page (loading all ~750 pages takes minutes on 2 cores), and none may log
// a console error or throw. Skipped with the reason when the site is not built or there is no Chromium.
const siteDirectory = resolve(fileURLToPath(new URL('.', import.meta.url)), '../dist');
const siteMissing = !existsSync(join(siteDirectory, 'index.html'));
if (siteMissing) console.warn(`site crawl skipped: no built site at ${siteDirectory} (run pnpm run docs first)`);
const chromiumMissing = siteMissing ? true : !browserProjectEnabled(['browser-wasm']);

const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
};

function serve(directory: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent((request.url ?? '/').split(/[?#]/)[0] ?? '/')).replace(
      /^(\.\.[/\\])+/,
      '',
    );
    const file = join(directory, path.endsWith('/') ? `${path}index.html` : path);
    readFile(file).then(
      (body) => {
        response.writeHead(200, { 'Content-Type': MIME_TYPES[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
      },
      () => response.writeHead(404).end(),
    );
  });
  return new Promise((resolvePromise) =>
    server.listen(0, '127.0.0.1', () =>
      resolvePromise({ server, origin: `http://127.0.0.1:${(server.address() as { port: number }).port}` }),
    ),
  );
}

/** Internal links and assets of an HTML page (absolute URLs), without fragments. */
function linksOf(html: string, pageUrl: string, origin: string): string[] {
  const links: string[] = [];
  for (const match of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
    const value = (match[1] ?? '').replace(/&amp;/g, '&');
    if (/^(mailto:|javascript:|data:)/.test(value)) continue;
    const url = new URL(value, pageUrl);
    if (url.origin !== origin) continue;
    url.hash = '';
    links.push(url.href);
  }
  return links;
}

describe.skipIf(chromiumMissing)('the documentation site, crawled in Chromium', () => {
  let browser: Browser | undefined;
  let served: { server: Server; origin: string } | undefined;

  beforeAll(async () => {
    served = await serve(siteDirectory);
    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArguments, headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    served?.server.close();
  });

  it('has no broken link, no missing asset and no console error on any page', async () => {
    const origin = served?.origin as string;
    const start = `${origin}/index.html`;
    const queue = [start];
    const seen = new Set(queue);
    const broken: string[] = [];
    const consoleErrors: string[] = [];
    let pages = 0;
    let loaded = 0;
    let links = 0;
    const context = await (browser as Browser).newContext();
    const visit = async (url: string): Promise<void> => {
      const path = decodeURIComponent(new URL(url).pathname);
      const file = join(siteDirectory, path.endsWith('/') ? `${path}index.html` : path);
      if (!existsSync(file)) return void broken.push(url);
      if (extname(file) !== '.html') return;
      pages += 1;
      const html = readFileSync(file, 'utf8');
      for (const link of linksOf(html, url, origin)) {
        links += 1;
        if (!seen.has(link)) {
          seen.add(link);
          queue.push(link);
        }
      }
      const isGuideOrPackage = !/\/(classes|interfaces|functions|types|variables)\//.test(path);
      if (!isGuideOrPackage && pages % 10 !== 0) return;
      loaded += 1;
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(`${path}: ${message.text()}`);
      });
      page.on('pageerror', (error) => consoleErrors.push(`${path}: ${error.message}`));
      const response = await page.goto(url, { waitUntil: 'load' });
      if (response?.status() !== 200) broken.push(`${url} (${response?.status()})`);
      await page.close();
    };
    // Four pages at a time.
    let active = 0;
    const workers = Array.from({ length: 4 }, async () => {
      for (;;) {
        const next = queue.shift();
        if (next === undefined) {
          // Others may still add links: wait for them before ending this worker.
          await new Promise((resolvePromise) => setTimeout(resolvePromise, 50));
          if (queue.length === 0 && active === 0) return;
          continue;
        }
        active += 1;
        try {
          await visit(next);
        } finally {
          active -= 1;
        }
      }
    });
    await Promise.all(workers);
    await context.close();
    console.log(
      `site crawl: ${pages} pages read, ${loaded} loaded in Chromium, ${seen.size} URLs, ${links} links checked`,
    );
    expect(broken).toEqual([]);
    expect(consoleErrors).toEqual([]);
    for (const document of [
      'Getting_started',
      'Loading_models',
      'Performance_tips',
      'Reliability_limits',
      'Releasing',
    ]) {
      expect(seen.has(`${origin}/documents/${document}.html`), document).toBe(true);
    }
    expect(pages).toBeGreaterThan(100);
  });
});
