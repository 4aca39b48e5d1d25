"""The PyTorch training peer of bench/training.mjs, driven over JSON lines on stdin/stdout.

load: AlbertForSequenceClassification.from_pretrained(the bench's model directory), torch.optim.AdamW with HF's
parameter groups (no decay for biases and LayerNorm weights), lr 5e-5, weight decay 0.01.
steps: `count` training steps on the bench's batch, each optimizer.zero_grad(set_to_none=True), forward with
labels, loss.backward(), clip_grad_norm_(1.0), optimizer.step() — PyTorch eager as a user writes it.
rss: peak RSS of this process.
"""

import json
import resource
import sys
import time

THREADS = 2


def main():
    import torch
    from transformers import AlbertForSequenceClassification

    torch.set_num_threads(THREADS)
    torch.set_num_interop_threads(1)
    model = optimizer = batch = None
    for line in sys.stdin:
        message = json.loads(line)
        kind = message["type"]
        try:
            if kind == "load":
                context = message["context"]
                start = time.perf_counter()
                model = AlbertForSequenceClassification.from_pretrained(context["modelDirectory"])
                model.train()
                decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
                no_decay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
                optimizer = torch.optim.AdamW(
                    [{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=5e-5
                )
                shape = context["batch"]["shape"]
                input_ids = torch.tensor(context["batch"]["inputIds"], dtype=torch.int64).reshape(shape)
                batch = {
                    "input_ids": input_ids,
                    "attention_mask": torch.ones_like(input_ids),
                    "token_type_ids": torch.zeros_like(input_ids),
                    "labels": torch.tensor(context["batch"]["labels"], dtype=torch.int64),
                }
                reply = {"type": "loaded", "ms": (time.perf_counter() - start) * 1000}
            elif kind == "steps":
                reply = {"type": "stepped", "ms": [], "runMs": [], "optimizerMs": [], "losses": []}
                for _ in range(message["count"]):
                    start = time.perf_counter()
                    optimizer.zero_grad(set_to_none=True)
                    loss = model(**batch).loss
                    loss.backward()
                    ran = time.perf_counter()
                    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
                    optimizer.step()
                    end = time.perf_counter()
                    reply["ms"].append((end - start) * 1000)
                    reply["runMs"].append((ran - start) * 1000)
                    reply["optimizerMs"].append((end - ran) * 1000)
                    reply["losses"].append(loss.item())
            elif kind == "rss":
                reply = {"type": "rss", "maxRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}
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
