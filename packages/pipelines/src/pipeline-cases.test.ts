import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { directorySource } from '@albert-ts/core';
import { nodeBackend } from '@albert-ts/backend-node';
import { parsePipelineCases, runPipelineCases } from './pipeline-cases.js';

const fixtures = new URL('../../../fixtures/pipelines/', import.meta.url);
const demo = new URL('../../../apps/cli/demo-model/', import.meta.url);

describe('pipeline cases on node-cpu (quick local check)', () => {
  it('runs every case', async () => {
    const cases = parsePipelineCases(await readFile(new URL('cases.json', fixtures), 'utf8'));
    const report = await runPipelineCases(cases, {
      backend: nodeBackend(),
      source: (name) => directorySource(name === 'demo' ? demo.pathname : new URL(`${name}/`, fixtures).pathname),
    });
    for (const result of report.results) if (!result.passed) console.log(result.id, result.differences.slice(0, 4).join('\n  '), '\n  actual:', JSON.stringify(result.actual)?.slice(0, 400));
    console.log(report.total, report.passed, report.failed);
    expect(report.failed).toBe(0);
  });
});
