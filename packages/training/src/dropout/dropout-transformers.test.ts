import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeBackend } from '@albert-ts/backend-node';
import { directorySource, loadPretrainedWeights, type Tensor } from '@albert-ts/core';
import { describe, expect, it } from 'vitest';
import { collateBatch } from '../data/collate-batch.js';
import type { TrainingExample } from '../data/training-example.js';
import { buildAlbertTrainingGraph, type TrainableHeadName } from '../graph/albert-training-graph.js';
import { GradientSession } from '../session/gradient-session.js';
import { dropoutMaskFeeds } from './dropout-masks.js';

// HF's dropout placements, checked against transformers itself where Python has it: PyTorch cannot draw our
// masks, so the script replaces `torch.nn.functional.dropout` by "multiply by the next of our masks" (HF's
// modules and its eager attention all call it) and runs the model in train mode with eager attention. Same
// loss and gradients ⇒ the same sites, in the same order, with the same scaling; every mask must be used.
const python = process.env['ALBERT_PYTHON'] ?? 'python3';
const probe = spawnSync(python, ['-c', 'import transformers, torch'], { encoding: 'utf8' });
const available = probe.status === 0;
if (!available)
  console.warn(
    `[dropout] transformers placement check skipped: ${python} cannot import transformers and torch (set ALBERT_PYTHON to a Python that can)`,
  );

const SCRIPT = `
import json, sys, torch
import torch.nn.functional as F
import transformers
case = json.load(open(sys.argv[1]))
masks = [torch.tensor(m['data'], dtype=torch.float32).reshape(m['dims']) for m in case['masks']]
used = []
def dropout(input, p=0.5, training=True, inplace=False):
    if not training or p == 0:
        return input
    mask = masks[len(used)]
    used.append(p)
    assert tuple(mask.shape) == tuple(input.shape), (mask.shape, input.shape)
    return input * mask
F.dropout = dropout
cls = getattr(transformers, case['head'])
model = cls.from_pretrained(case['directory'], attn_implementation='eager', **case['probabilities'])
model.train()
inputs = {k: torch.tensor(v) for k, v in case['inputs'].items()}
out = model(**inputs)
out.loss.backward()
grads = {n: p.grad.flatten().tolist() for n, p in model.named_parameters() if p.grad is not None}
print(json.dumps({'loss': out.loss.item(), 'used': used, 'grads': grads}))
`;

const models = new URL('../../../../fixtures/models/grouped/', import.meta.url).pathname;
const probabilities = { hiddenDropoutProb: 0.1, attentionProbsDropoutProb: 0.2, classifierDropoutProb: 0.3 };
const ids = (length: number, offset: number): number[] => [
  2,
  ...Array.from({ length }, (_, index) => 5 + ((index * 7 + offset * 13) % 90)),
  3,
];
const EXAMPLES: Record<TrainableHeadName, TrainingExample[]> = {
  AlbertForPreTraining: [0, 1, 2].map((row) => ({
    inputIds: ids(6 + row, row),
    labels: Array.from({ length: 8 + row }, (_, index) => (index % 3 === 1 ? 5 + index : -100)),
    sentenceOrderLabel: row % 2,
  })),
  AlbertForMaskedLM: [0, 1].map((row) => ({
    inputIds: ids(5 + row * 3, row),
    labels: Array.from({ length: 7 + row * 3 }, (_, index) => (index % 2 === 0 ? 9 + index : -100)),
  })),
  AlbertForSequenceClassification: [0, 1, 2].map((row) => ({ inputIds: ids(4 + row * 2, row), label: row })),
  AlbertForTokenClassification: [0, 1].map((row) => ({
    inputIds: ids(5 + row, row),
    labels: Array.from({ length: 7 + row }, (_, index) => index % 3),
  })),
  AlbertForQuestionAnswering: [0, 1].map((row) => ({ inputIds: ids(7, row), startPosition: 2, endPosition: 4 + row })),
  AlbertForMultipleChoice: [0, 1].map((row) => ({
    inputIds: [ids(4, row), ids(6, row + 1), ids(5, row + 2)],
    label: row + 1,
  })),
};
const HF_INPUTS: Record<string, string> = {
  input_ids: 'input_ids',
  attention_mask: 'attention_mask',
  token_type_ids: 'token_type_ids',
  position_ids: 'position_ids',
};

describe.skipIf(!available)('dropout sites against transformers (masks injected into PyTorch)', () => {
  for (const head of Object.keys(EXAMPLES) as TrainableHeadName[]) {
    it(head, async () => {
      const directory = head === 'AlbertForPreTraining' ? models : `${models}${head}/`;
      const loaded = await loadPretrainedWeights(directorySource(directory), head);
      const config = loaded.config.with(probabilities);
      const graph = buildAlbertTrainingGraph(config, loaded.weights, { head, dropout: true });
      const shapes = new Map(loaded.weights.keys.map((key) => [key, loaded.weights.get(key).shape]));
      const session = await GradientSession.load(nodeBackend({ device: 'cpu' }), graph, shapes);
      const feeds = collateBatch(graph, EXAMPLES[head], { padTokenId: 0 });
      const masks = dropoutMaskFeeds(graph.dropoutMasks, feeds, { seed: 9, step: 4, microBatch: 0 });
      const parameters = new Map(
        loaded.weights.keys.map((key) => [key, Float32Array.from(loaded.weights.get(key).data)]),
      );
      const ours = await session.run(parameters, { ...feeds, ...masks });
      await session.dispose();

      const toList = (tensor: Tensor): number[] => Array.from(tensor.data as ArrayLike<number | bigint>, Number);
      const inputs: Record<string, unknown> = {};
      for (const [name, tensor] of Object.entries(feeds)) {
        const values = toList(tensor);
        // nested lists of the tensor's shape
        const nest = (offset: number, axis: number): unknown =>
          axis === tensor.shape.length
            ? values[offset]
            : Array.from({ length: tensor.shape[axis] as number }, (_, index) =>
                nest(offset * (tensor.shape[axis] as number) + index, axis + 1),
              );
        inputs[HF_INPUTS[name] ?? name] = nest(0, 0);
      }
      const scratch = await mkdtemp(join(tmpdir(), 'albert-dropout-'));
      try {
        const file = join(scratch, 'case.json');
        await writeFile(
          file,
          JSON.stringify({
            head,
            directory,
            probabilities: {
              hidden_dropout_prob: 0.1,
              attention_probs_dropout_prob: 0.2,
              classifier_dropout_prob: 0.3,
            },
            inputs,
            masks: graph.dropoutMasks.map((mask) => ({
              dims: masks[mask.name]?.shape,
              data: Array.from(masks[mask.name]?.data ?? []),
            })),
          }),
        );
        const run = spawnSync(python, ['-c', SCRIPT, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
        expect(run.status, run.stderr).toBe(0);
        const theirs = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as {
          loss: number;
          used: number[];
          grads: Record<string, number[]>;
        };
        // every dropout HF applied took one of our masks, with our probability, and none was left over
        expect(theirs.used).toEqual(graph.dropoutMasks.map((mask) => mask.probability));
        expect(Math.abs(theirs.loss - ours.loss)).toBeLessThan(1e-5 + 1e-4 * Math.abs(theirs.loss));
        let worst = 0;
        let compared = 0;
        for (const [name, gradient] of ours.gradients) {
          const reference = theirs.grads[name];
          expect(reference, `transformers has a gradient for ${name}`).toBeDefined();
          (reference as number[]).forEach((value, index) => {
            const difference = Math.abs(value - (gradient[index] as number));
            worst = Math.max(worst, difference / (1e-5 + 1e-4 * Math.abs(value)));
          });
          compared += 1;
        }
        expect(compared).toBe(Object.keys(theirs.grads).length);
        console.log(
          `[dropout] ${head}: ${graph.dropoutMasks.length} masks, loss diff ${Math.abs(theirs.loss - ours.loss).toExponential(2)}, worst gradient diff / tolerance ${worst.toFixed(3)}`,
        );
        expect(worst).toBeLessThanOrEqual(1);
      } finally {
        await rm(scratch, { recursive: true, force: true });
      }
    });
  }
});
