import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError } from '../checkpoint-error.js';
import { readCheckpoint } from '../read-checkpoint.js';
import { fixturePath, readFixture } from '../test-fixtures.js';
import { directorySource } from './directory-source.js';
import { memorySource } from './memory-source.js';
import { urlSource } from './url-source.js';

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected a CheckpointError');
}

describe('model file sources', () => {
  it('directorySource reads files, answers has() and names absent files', async () => {
    const source = directorySource(fixturePath('models/tiny'));
    expect(await source.has('config.json')).toBe(true);
    expect(await source.has('nothing.bin')).toBe(false);
    expect(await source.has('AlbertModel')).toBe(false); // a directory is not a file
    expect(JSON.parse(await source.readText('config.json')).hidden_size).toBe(36);
    const missing = await rejection(source.read('nothing.bin'));
    expect(missing.code).toBe('CHECKPOINT_FILE_NOT_FOUND');
    expect(missing.message).toContain('nothing.bin');
    expect((await rejection(source.read('../tiny/config.json'))).code).toBe('CHECKPOINT_INVALID_FILE_NAME');
    expect((await rejection(source.has('/etc/passwd'))).code).toBe('CHECKPOINT_INVALID_FILE_NAME');
  });

  it('memorySource serves strings, bytes and ArrayBuffers', async () => {
    const bytes = Uint8Array.from([1, 2, 3]);
    const source = memorySource({ 'a.txt': 'héllo', 'b.bin': bytes, 'c.bin': bytes.buffer }, 'upload');
    expect(source.description).toBe('upload');
    expect(await source.readText('a.txt')).toBe('héllo');
    expect(await source.read('b.bin')).toBe(bytes);
    expect(Array.from(await source.read('c.bin'))).toEqual([1, 2, 3]);
    expect(await source.has('d.bin')).toBe(false);
    expect((await rejection(source.read('d.bin'))).message).toContain('upload');
  });

  describe('urlSource', () => {
    const files = new Map<string, Uint8Array>([
      ['/model/config.json', readFixture('models/tiny/config.json')],
      ['/model/model.safetensors', readFixture('models/tiny/model.safetensors')],
    ]);
    let baseUrl = '';
    const server = createServer((request, response) => {
      if (request.url === '/model/forbidden.bin') {
        response.writeHead(403).end();
        return;
      }
      const body = files.get(request.url ?? '');
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, { 'content-length': body.length });
      response.end(request.method === 'HEAD' ? undefined : body);
    });
    beforeAll(async () => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    it('reads a checkpoint over HTTP from a local server', async () => {
      const contents = await readCheckpoint(urlSource(baseUrl));
      expect(contents.format).toBe('safetensors');
      expect(contents.stateDict.size).toBe(32);
    });

    it('maps 404 to absence and other statuses to read errors', async () => {
      const source = urlSource(`${baseUrl}/`);
      expect(await source.has('pytorch_model.bin')).toBe(false);
      expect((await rejection(source.read('pytorch_model.bin'))).code).toBe('CHECKPOINT_FILE_NOT_FOUND');
      const forbidden = await rejection(source.read('forbidden.bin'));
      expect(forbidden.code).toBe('CHECKPOINT_READ_FAILED');
      expect(forbidden.details.status).toBe(403);
    });

    it('uses the fetch it is given', async () => {
      const requested: string[] = [];
      const source = urlSource('https://example.invalid/m', {
        fetch: async (input) => {
          requested.push(String(input));
          return new Response('{}', { status: 200 });
        },
      });
      expect(await source.readText('sub dir/config.json')).toBe('{}');
      expect(requested).toEqual(['https://example.invalid/m/sub%20dir/config.json']);
    });
  });
});
