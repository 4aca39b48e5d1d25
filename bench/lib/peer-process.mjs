// One peer in its own process, driven by bench/run.mjs over IPC:
//   { type: 'load', peer, context } → { type: 'loaded', ms }
//   { type: 'run', workload, mode, repeat? } → { type: 'ran', ms } (mode 'padded' | 'bucketed'; ms[] with repeat)
//   { type: 'rss' }                  → { type: 'rss', rssBytes, maxRssBytes } (now and peak)
//   { type: 'gemm', quick }          → { type: 'gemm', native, wasm }
//   { type: 'quality', model, runtime } → int8-vs-float32 quality (see quality.mjs)
import { PEERS, preparePeer } from './peers.mjs';
import { makeWorkloads, padBatches, padBatch } from './model.mjs';
import { planLengthBuckets } from '@albert-ts/core';
import { measureGemm } from './gemm.mjs';

const workloads = makeWorkloads();
const padded = Object.fromEntries(Object.values(workloads).map((w) => [w.name, padBatches(w.sequences, w.batchSize)]));
let peer;

function bucketed(workload, tokenBudget) {
  const { sequences } = workloads[workload];
  return planLengthBuckets(
    sequences.map((s) => s.length),
    { tokenBudget },
  ).map((indices) => ({
    indices,
    batch: padBatch(indices.map((i) => sequences[i])),
  }));
}

async function handle(message) {
  switch (message.type) {
    case 'load': {
      await preparePeer(message.peer);
      const start = performance.now();
      peer = await PEERS[message.peer].load(message.context);
      const ms = performance.now() - start;
      // Time to the first W1 result: model classes may build the graph / session lazily on first use.
      await runAndFree(peer, padded.W1[0]);
      return { type: 'loaded', ms, firstResultMs: performance.now() - start };
    }
    case 'run': {
      // W1 is a single forward pass: repeated back to back (message.repeat) so that each peer is timed
      // warm, as a server answering one request after another is.
      if ((message.repeat ?? 1) > 1) {
        const times = [];
        for (let r = 0; r < message.repeat; r += 1) {
          const start = performance.now();
          for (const batch of padded[message.workload]) await runAndFree(peer, batch);
          times.push(performance.now() - start);
        }
        return { type: 'ran', ms: times };
      }
      const start = performance.now();
      if (message.mode === 'bucketed') {
        const results = new Array(workloads[message.workload].sequences.length);
        for (const { indices, batch } of bucketed(message.workload, message.tokenBudget ?? 256)) {
          const out = await peer.run(batch);
          indices.forEach((index, row) => {
            results[index] = { out, row }; // restore input order (a view, no copy)
          });
        }
      } else {
        // a dropped result is freed where the peer can (ours: disposeTensor), as Python frees it at once
        for (const batch of padded[message.workload]) await runAndFree(peer, batch);
      }
      return { type: 'ran', ms: performance.now() - start };
    }
    case 'rss':
      return { type: 'rss', rssBytes: process.memoryUsage.rss(), maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    case 'quality': {
      const { measureQuality, DEMO_MODEL_DIRECTORY } = await import('./quality.mjs');
      const directory = message.model === 'demo' ? DEMO_MODEL_DIRECTORY : message.modelDirectory;
      return { type: 'quality', ...(await measureQuality(directory, message.runtime)) };
    }
    case 'gemm':
      return { type: 'gemm', ...(await measureGemm(message)) };
    case 'exit':
      await peer?.release?.();
      process.exit(0);
      break; // not reached: process.exit does not return
    default:
      throw new Error(`unknown message ${message.type}`);
  }
}

process.on('disconnect', () => process.exit(0)); // never outlive the bench

process.on('message', (message) => {
  handle(message).then(
    (reply) => process.send(reply),
    (error) => process.send({ type: 'error', message: String(error?.stack ?? error) }),
  );
});

/**
 * Runs a batch and frees the result where the peer can (ours: disposeTensor), as Python frees it at once.
 * (Not `peer.free?.(await peer.run(batch))`: an optional call skips its arguments when `free` is absent.)
 */
async function runAndFree(peer, batch) {
  const out = await peer.run(batch);
  peer.free?.(out);
}
