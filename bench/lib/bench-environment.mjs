// What the bench scripts (run.mjs, training.mjs) share about their environment: whether the built packages
// are fresh, and which Python interpreter the Python peers use.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchRoot = fileURLToPath(new URL('..', import.meta.url));
const cacheRoot = join(benchRoot, '.cache');

/** Whether every package in `names` has a `dist/index.js` newer than its newest source file. */
export function builtPackagesAreFresh(names) {
  const newest = (directory) => {
    let latest = 0;
    for (const entry of readdirSync(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name);
      latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
    }
    return latest;
  };
  return names.every((name) => {
    const root = join(benchRoot, '..', 'packages', name);
    const built = join(root, 'dist', 'index.js');
    return existsSync(built) && statSync(built).mtimeMs >= newest(join(root, 'src'));
  });
}

/**
 * The Python interpreter for the Python peers: $ALBERT_BENCH_PYTHON, else bench/.cache/venv (made by
 * `pnpm bench --setup-python`), else python3.
 */
export function pythonInterpreter() {
  if (process.env.ALBERT_BENCH_PYTHON) return process.env.ALBERT_BENCH_PYTHON;
  const venv = join(cacheRoot, 'venv', 'bin', 'python');
  return existsSync(venv) ? venv : 'python3';
}

/** Why the Python peers that import `modules` cannot run here (null when they can). */
export function pythonUnavailable(modules) {
  const probe = spawnSync(pythonInterpreter(), ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
  if (probe.error) return `no Python interpreter (${pythonInterpreter()}): ${probe.error.message}`;
  if (probe.status !== 0) {
    const last = probe.stderr.trim().split('\n').pop();
    return `${pythonInterpreter()} lacks ${modules.join('/')} (${last}); set ALBERT_BENCH_PYTHON or run \`pnpm bench --setup-python\``;
  }
  return null;
}
