import { BackendError, type Backend } from '@albert-ts/core';
import { nodeBackend, type NodeBackendOptions, type NodeDevice } from './node-backend.js';

/** The names of the backends this package provides. */
export const NODE_BACKEND_NAMES = ['node-cpu', 'node-webgpu', 'node-cuda'] as const;

/** A backend name of this package. */
export type NodeBackendName = (typeof NODE_BACKEND_NAMES)[number];

/**
 * The backend of a name (`node-cpu`, `node-webgpu`, `node-cuda`), e.g. from a `--backend` flag.
 * @throws `BackendError` `BACKEND_UNKNOWN_NAME` naming the value and the known names.
 */
export function nodeBackendByName(name: string, options: Omit<NodeBackendOptions, 'device'> = {}): Backend {
  if (!(NODE_BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new BackendError(
      'BACKEND_UNKNOWN_NAME',
      `unknown backend ${JSON.stringify(name)}; available here: ${NODE_BACKEND_NAMES.join(', ')}`,
      { value: name, expected: NODE_BACKEND_NAMES },
    );
  }
  return nodeBackend({ ...options, device: name.slice('node-'.length) as NodeDevice });
}
