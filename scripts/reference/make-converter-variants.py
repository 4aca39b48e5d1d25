"""Writes fixtures/tokenizers/converter-variants-demo.json: the tokenizer.json that transformers' slow->fast
converter (AlbertTokenizerFast(vocab_file=spiece.model, **options)) builds for the demo vocabulary
(fixtures/pipelines/tokenizer/spiece.model) under several tokenizer options, without `model.vocab` and the
Precompiled charsmap (both are option-independent and checked whole against
fixtures/pipelines/tokenizer/tokenizer.json). Run with transformers (4.57.x) + tokenizers + sentencepiece.
"""
import json
import pathlib

import transformers
from transformers import AlbertTokenizerFast

root = pathlib.Path(__file__).resolve().parents[2]
spiece = root / "fixtures" / "pipelines" / "tokenizer" / "spiece.model"
variants = {
    "default": {},
    "cased": {"do_lower_case": False},
    "keep_accents": {"keep_accents": True},
    "cased_keep_accents": {"do_lower_case": False, "keep_accents": True},
    "extra_special": {"additional_special_tokens": ["<x>", "<y>"]},
}
cases = []
for name, options in variants.items():
    document = json.loads(AlbertTokenizerFast(vocab_file=str(spiece), **options).backend_tokenizer.to_str())
    document["model"].pop("vocab")
    for step in document["normalizer"]["normalizers"]:
        if step["type"] == "Precompiled":
            step["precompiled_charsmap"] = "(omitted)"
    cases.append({"name": name, "options": options, "expected": document})
out = {
    "description": "tokenizer.json written by transformers' AlbertConverter for the demo spiece.model under tokenizer options; model.vocab and the Precompiled charsmap omitted. Made by scripts/reference/make-converter-variants.py.",
    "reference": {"transformers_version": transformers.__version__},
    "cases": cases,
}
path = root / "fixtures" / "tokenizers" / "converter-variants-demo.json"
path.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
print(f"{len(cases)} variants -> {path}")
