// The peers of bench/training.mjs: one training step (forward + backward + clip_grad_norm_(1) + AdamW) of
// AlbertForSequenceClassification. Node peers run in bench/lib/training-peer-process.mjs, the PyTorch peer
// in bench/lib/python-training-peer.py; each in its own process.

/** name → { label, runtime, placement } (placement: where the optimizer runs, see the Trainer's optimizerPlacement). */
export const TRAINING_PEERS = {
  'py-torch': {
    label: 'PyTorch eager: AlbertForSequenceClassification, loss.backward(), clip_grad_norm_, torch.optim.AdamW',
    runtime: 'python',
    pythonModules: ['torch', 'transformers', 'numpy'],
  },
  'ours-node-ts': {
    label: 'albert-ts node-cpu, optimizer in TypeScript',
    runtime: 'node-cpu',
    placement: 'typescript',
  },
  'ours-node-update-graph': {
    label: 'albert-ts node-cpu, gradients out + AdamW update graph',
    runtime: 'node-cpu',
    placement: 'update-graph',
  },
  'ours-node-fused': {
    label: 'albert-ts node-cpu, one fused graph per step (AdamW in the graph)',
    runtime: 'node-cpu',
    placement: 'fused',
  },
  'ours-wasm-ts': { label: 'albert-ts node-wasm, optimizer in TypeScript', runtime: 'wasm', placement: 'typescript' },
  'ours-wasm-fused': { label: 'albert-ts node-wasm, one fused graph per step', runtime: 'wasm', placement: 'fused' },
  'ours-node-webgpu-ts': {
    label: 'albert-ts node-webgpu, optimizer in TypeScript',
    runtime: 'node-webgpu',
    placement: 'typescript',
  },
  'ours-node-webgpu-fused': {
    label: 'albert-ts node-webgpu, one fused graph per step',
    runtime: 'node-webgpu',
    placement: 'fused',
  },
};
