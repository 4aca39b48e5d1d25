"""Writes fixtures/tokenizers/cases-fast-windows-demo.json: what the Hugging Face fast tokenizer returns for
overflowing windows with `stride`, word ids, sequence ids and pre-tokenized (`is_split_into_words`) input, on the
demo vocabulary (fixtures/pipelines/tokenizer/tokenizer.json). It drives the Rust `tokenizers` library the way
transformers' PreTrainedTokenizerFast.__call__ does (enable_truncation / enable_padding, encode_batch, each
encoding followed by its `overflowing` windows, overflow_to_sample_mapping). Use tokenizers 0.22.x, the version
behind the pipeline fixtures (0.23 stops tokenizing a sequence at max_length tokens, so its overflowing windows
lose the end of long texts):

    python -m venv /tmp/venv && /tmp/venv/bin/pip install tokenizers==0.22.2
    /tmp/venv/bin/python scripts/reference/make-fast-window-cases.py
    /tmp/venv/bin/python scripts/reference/make-fast-window-cases.py \
        ../shared/third-party/tokenizers/albert-base-v2/tokenizer.json cases-fast-windows-albert-base-v2.json

The second form makes the same cases for another tokenizer.json (the albert-base-v2 one has the older hub layout,
WhitespaceSplit before Metaspace).
"""
import json
import pathlib
import sys

import tokenizers
from tokenizers import Tokenizer

root = pathlib.Path(__file__).resolve().parents[2]
directory = root / "fixtures" / "pipelines" / "tokenizer"
tokenizer_file = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else directory / "tokenizer.json"
output_name = sys.argv[2] if len(sys.argv) > 2 else "cases-fast-windows-demo.json"
pipeline_cases = json.loads((root / "fixtures" / "pipelines" / "cases.json").read_text())["cases"]


def encode(call):
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    if "truncation" in call:
        tokenizer.enable_truncation(
            call["max_length"], stride=call.get("stride", 0), strategy=call["truncation"],
            direction=call.get("truncation_side", "right"),
        )
    if "padding" in call:
        length = call["max_length"] if call["padding"] == "max_length" else None
        tokenizer.enable_padding(pad_id=0, pad_type_id=0, pad_token="<pad>", length=length)
    words = call.get("is_split_into_words", False)
    if "batch" in call:
        pairs = call["batch_pairs"]
        inputs = call["batch"] if pairs is None else list(zip(call["batch"], pairs))
    else:
        inputs = [call["text"] if call.get("text_pair") is None else (call["text"], call["text_pair"])]
    encodings = tokenizer.encode_batch(inputs, is_pretokenized=words, add_special_tokens=True)
    rows, mapping = [], []
    for index, encoding in enumerate(encodings):
        for row in [encoding] + (encoding.overflowing if "stride" in call else []):
            rows.append(row)
            mapping.append(index)
    expected = {
        "input_ids": [row.ids for row in rows],
        "token_type_ids": [row.type_ids for row in rows],
        "attention_mask": [row.attention_mask for row in rows],
        "special_tokens_mask": [row.special_tokens_mask for row in rows],
        "offset_mapping": [[list(pair) for pair in row.offsets] for row in rows],
        "word_ids": [row.word_ids for row in rows],
        "sequence_ids": [row.sequence_ids for row in rows],
    }
    if "stride" in call:
        expected["overflow_to_sample_mapping"] = mapping
    return expected


contexts = []
for case in pipeline_cases:
    inputs = case["inputs"]
    if isinstance(inputs, dict) and "context" in inputs and (inputs["question"], inputs["context"]) not in contexts:
        contexts.append((inputs["question"], inputs["context"]))
texts = [c["inputs"] for c in pipeline_cases if c["task"] == "token-classification" and isinstance(c["inputs"], str)]
texts = list(dict.fromkeys(texts)) + ["  Zoë  [MASK] lives in(formerly) Paris\u2581city, 1,000 ``x''. ", "tabs\tand\nnew\u2581\u2581lines  here \U0001F600"]

calls = []
for question, context in contexts:
    for max_length, stride in [(24, 8), (32, 0), (40, 12), (48, 16)]:
        calls.append({"text": question, "text_pair": context, "truncation": "only_second", "max_length": max_length, "stride": stride})
    calls.append({"text": question, "text_pair": context, "truncation": "only_second", "max_length": 40, "stride": 12, "padding": "longest"})
    calls.append({"text": question, "text_pair": context, "truncation": "only_second", "max_length": 40, "stride": 12, "padding": "max_length"})
    calls.append({"text": context, "text_pair": question, "truncation": "only_first", "max_length": 30, "stride": 5})
    calls.append({"text": context, "text_pair": question, "truncation": "longest_first", "max_length": 30, "stride": 2})
    calls.append({"text": question, "text_pair": context, "truncation": "only_second", "max_length": 40, "stride": 12, "truncation_side": "left"})
for text in texts:
    calls.append({"text": text, "truncation": "longest_first", "max_length": 8, "stride": 2})
    calls.append({"text": text, "truncation": "only_first", "max_length": 6, "stride": 3, "truncation_side": "left"})
    calls.append({"text": text})
    words = text.split()
    calls.append({"text": words, "is_split_into_words": True})
    calls.append({"text": words, "text_pair": ["and", "then", "some"], "is_split_into_words": True})
    calls.append({"text": words, "is_split_into_words": True, "truncation": "longest_first", "max_length": 7, "stride": 1})
calls.append({"batch": [c[1] for c in contexts[:3]], "batch_pairs": None, "truncation": "longest_first", "max_length": 20, "stride": 4, "padding": "longest"})
calls.append({"batch": [c[0] for c in contexts[:3]], "batch_pairs": [c[1] for c in contexts[:3]], "truncation": "only_second", "max_length": 36, "stride": 10, "padding": "longest"})
calls.append({"batch": [t.split() for t in texts[:2]], "batch_pairs": None, "is_split_into_words": True, "padding": "longest"})

cases = [{"id": f"window-{index + 1:03d}", "call": call, "expected": encode(call)} for index, call in enumerate(calls)]

out = {
    "description": f"Fast tokenizer outputs (rows = windows) for overflowing windows with stride, word ids, sequence ids and pre-tokenized input, for {tokenizer_file.name} of {tokenizer_file.parent.name}. Made by scripts/reference/make-fast-window-cases.py.",
    "reference": {"tokenizers_version": tokenizers.__version__},
    "tokenizer": {"model_max_length": 512},
    "cases": cases,
}
path = root / "fixtures" / "tokenizers" / output_name
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"{len(cases)} cases -> {path}")
