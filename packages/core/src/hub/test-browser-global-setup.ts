/**
 * Test helper: vitest `globalSetup` of the Hub's browser tests. Starts the mock Hub (with CORS, as
 * huggingface.co answers browsers) on the Node side and hands its endpoint to the page.
 */
import type { TestProject } from 'vitest/node';
import { tinyRepos } from './test-hub-fixtures.js';
import { startMockHub } from './test-hub-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoint of the mock Hub started for the browser tests. */
    albertHubEndpoint: string;
  }
}

/** Starts the mock Hub; returns the teardown. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const hub = await startMockHub(await tinyRepos(), { cors: true });
  project.provide('albertHubEndpoint', hub.endpoint);
  return () => hub.close();
}
