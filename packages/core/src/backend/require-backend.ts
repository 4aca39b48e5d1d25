import type { Backend } from './backend.js';
import { BackendError } from './backend-error.js';

/** What to install and pass when a call that needs a backend got none (the message of `BACKEND_NONE_GIVEN`). */
export const BACKEND_INSTALL_HINT =
  'install a backend package and pass it as { backend }: npm install @albert-ts/backend-node (Node: nodeBackend()), ' +
  '@albert-ts/backend-wasm (Node and browsers: wasmBackend()) or @albert-ts/backend-webgpu (browsers: webgpuBackend()); ' +
  "or install albert-ts, which picks one for you (device: 'auto')";

/**
 * The backend option of a call such as `fromPretrained`, checked: a {@link BackendError} `BACKEND_NONE_GIVEN`
 * that says which package to install when it is missing (or not a backend), instead of a `TypeError` later.
 */
export function requireBackend(
  options: { readonly backend?: Backend | readonly Backend[] } | undefined,
  call: string,
): Backend | readonly Backend[] {
  const backend = options?.backend;
  // An object is taken as a backend here (its contract is checked where it is used: selectBackend, load).
  const isBackend = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  if (Array.isArray(backend) ? backend.length > 0 && backend.every(isBackend) : isBackend(backend))
    return backend as Backend | readonly Backend[];
  const given =
    backend === undefined
      ? 'no backend'
      : `backend ${Array.isArray(backend) ? `[${backend.length} values]` : typeof backend}`;
  throw new BackendError('BACKEND_NONE_GIVEN', `${call} needs a backend, got ${given}: ${BACKEND_INSTALL_HINT}`, {
    field: 'backend',
  });
}
