"""A bench peer in Python, driven by bench/run.mjs over JSON lines on stdin/stdout.

The same protocol as bench/lib/peer-process.mjs (load, run, rss, exit), for the peers that only exist in
Python: onnxruntime's own Python binding (on the standard export and on albert-ts's graph) and PyTorch
eager (transformers' AlbertForMaskedLM). Timings cover model execution only: token ids in, MLM logits
out, as for the Node peers. The workloads (token id sequences) come with the load message, so every peer
runs exactly the same batches.
"""

import json
import resource
import sys
import time

THREADS = 2


def current_rss_bytes():
    """The process's resident set now (/proc/self/statm, Linux), 0 where that file does not exist."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        return 0


def pad_batch(np, sequences):
    """Right-padded int64 batch, as padBatch in bench/lib/model.mjs."""
    width = max(len(s) for s in sequences)
    input_ids = np.zeros((len(sequences), width), dtype=np.int64)
    attention_mask = np.zeros((len(sequences), width), dtype=np.int64)
    for row, ids in enumerate(sequences):
        input_ids[row, : len(ids)] = ids
        attention_mask[row, : len(ids)] = 1
    return {
        "input_ids": input_ids,
        "attention_mask": attention_mask,
        "token_type_ids": np.zeros_like(input_ids),
        # albert-ts's exported graph takes position_ids as an input (HF's default: 0..S-1 per row)
        "position_ids": np.broadcast_to(np.arange(width, dtype=np.int64), input_ids.shape).copy(),
    }


def pad_batches(np, workload):
    sequences, size = workload["sequences"], workload["batchSize"]
    return [pad_batch(np, sequences[i : i + size]) for i in range(0, len(sequences), size)]


def load_onnxruntime(path, disabled_optimizers=None):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = THREADS
    options.inter_op_num_threads = 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if disabled_optimizers:
        # as nodeBackend does on CPU (docs/performance.md 0a)
        options.add_session_config_entry("optimization.disable_specified_optimizers", disabled_optimizers)
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    names = {i.name for i in session.get_inputs()}

    def run(batch):
        return session.run(None, {k: v for k, v in batch.items() if k in names})

    return run


def load_torch(model_directory):
    import torch
    from transformers import AlbertForMaskedLM

    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    model = AlbertForMaskedLM.from_pretrained(model_directory).eval()

    def run(batch):
        with torch.inference_mode():
            feeds = {k: torch.from_numpy(v) for k, v in batch.items() if k != "position_ids"}
            return model(**feeds).logits

    return run


def main():
    import numpy as np

    run = None
    batches = {}
    for line in sys.stdin:
        message = json.loads(line)
        kind = message["type"]
        try:
            if kind == "load":
                context = message["context"]
                batches = {name: pad_batches(np, w) for name, w in message["workloads"].items()}
                start = time.perf_counter()
                peer = message["peer"]
                if peer == "py-ort-standard":
                    run = load_onnxruntime(context["standardExportPath"])
                elif peer == "py-ort-ours":
                    run = load_onnxruntime(context["oursGraphPath"], "SkipLayerNormFusion")
                elif peer == "py-torch":
                    run = load_torch(context["modelDirectory"])
                else:
                    raise ValueError(f"unknown python peer {peer}")
                ms = (time.perf_counter() - start) * 1000
                run(batches["W1"][0])
                first = (time.perf_counter() - start) * 1000
                reply = {"type": "loaded", "ms": ms, "firstResultMs": first}
            elif kind == "run":
                if message.get("mode", "padded") != "padded":
                    raise ValueError("python peers run padded batches only")
                repeat = message.get("repeat") or 1
                times = []
                for _ in range(repeat):
                    start = time.perf_counter()
                    for batch in batches[message["workload"]]:
                        run(batch)
                    times.append((time.perf_counter() - start) * 1000)
                reply = {"type": "ran", "ms": times if repeat > 1 else times[0]}
            elif kind == "rss":
                reply = {
                    "type": "rss",
                    "rssBytes": current_rss_bytes(),
                    "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                }
            elif kind == "exit":
                return
            else:
                raise ValueError(f"unknown message {kind}")
        except Exception as error:  # reported to the bench, which prints it as the peer's failure
            reply = {"type": "error", "message": f"{type(error).__name__}: {error}"}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
