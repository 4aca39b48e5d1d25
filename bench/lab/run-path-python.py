"""The Python side of bench/lab/run-path.mjs (see run-path-node.mjs): the same runs on onnxruntime's Python binding.

Usage: python bench/lab/run-path-python.py MODEL.onnx BATCH RUNS [profile] [option=value ...]
"""

import json
import os
import resource
import sys
import time

import numpy as np
import onnxruntime as ort

model, batch, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
profile = "profile" in rest
extra = dict(a.split("=") for a in rest if "=" in a)
options = ort.SessionOptions()
options.intra_op_num_threads = 2
options.inter_op_num_threads = 1
options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
options.enable_profiling = profile
options.profile_file_prefix = f"/tmp/run-path-python-{os.getpid()}"
if extra.get("arena") == "off":
    options.enable_cpu_mem_arena = False
session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
n = batch * 128
every = {
    "input_ids": (5 + (np.arange(n, dtype=np.int64) * 7919) % 29000).reshape(batch, 128),
    "attention_mask": np.ones((batch, 128), dtype=np.int64),
    "token_type_ids": np.zeros((batch, 128), dtype=np.int64),
    "position_ids": np.broadcast_to(np.arange(128, dtype=np.int64), (batch, 128)).copy(),
}
feeds = {i.name: every[i.name] for i in session.get_inputs()}
fetch = [extra["fetch"]] if "fetch" in extra else None
results = []
for i in range(runs + 1):
    time.sleep(0.1)
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    out = session.run(fetch, feeds)
    wall = (time.perf_counter() - start) * 1000
    after = resource.getrusage(resource.RUSAGE_SELF)
    del out
    if i > 0:
        results.append(
            {
                "wall": wall,
                "cpu": (after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime) * 1000,
                "sys": (after.ru_stime - before.ru_stime) * 1000,
                "faults": after.ru_minflt - before.ru_minflt,
            }
        )
model_run = []
if profile:
    path = session.end_profiling()
    with open(path) as f:
        events = json.load(f)
    model_run = [e["dur"] / 1000 for e in events if e.get("name") == "model_run"][1:]
    os.remove(path)
max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"runtime": "python", "runs": results, "modelRun": model_run, "maxRssMiB": max_rss}))
