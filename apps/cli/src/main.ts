#!/usr/bin/env node
// The `albert` executable: wires the process to runCli. Everything testable lives in run-cli.ts.
// The argument sizes are checked before run-cli (and through it onnxruntime) is even imported: an
// onnxruntime session created in a process whose argv holds a very long argument crashes.
import { checkArgumentSizes } from './argument-size.js';

try {
  checkArgumentSizes(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`error [${(error as { code: string }).code}]: ${(error as Error).message}\n`);
  process.exit(1);
}

const { runCli } = await import('./run-cli.js');

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  controller.abort(new Error('interrupted'));
  setTimeout(() => process.exit(130), 2000).unref();
});
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0); // `albert ... | head`
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
  readStdin,
  signal: controller.signal,
});
