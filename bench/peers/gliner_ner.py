"""The `gliner` library fine-tuned on the same encoder and data as assay: the label-prompted
peer. Runs in its own environment (gliner pins transformers < 5.17; assay does not):

    python3 -m venv build/peers/gliner
    build/peers/gliner/bin/pip install torch==2.13.0 gliner==0.2.29
    build/peers/gliner/bin/python bench/peers/gliner_ner.py TRAIN.jsonl DEV.jsonl OUT.jsonl \\
        --encoder PATH/TO/all-MiniLM-L6-v2 --work build/peers/gliner-somd [--steps 1300]

Sentences go in as their whitespace tokens; every label of the training data is prompted.
Predictions (flat, threshold 0.5) are written as JSONL documents for `assay evaluate`.
Prints the training time and the extraction speed (sentences/s).
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gliner import GLiNER, GLiNERConfig


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def token_spans(text: str) -> list[tuple[int, int]]:
    spans, pos = [], 0
    for token in text.split():
        start = text.index(token, pos)
        spans.append((start, start + len(token)))
        pos = start + len(token)
    return spans


def example(record: dict) -> dict:
    spans = token_spans(record["text"])
    first = {s: i for i, (s, _) in enumerate(spans)}
    last = {e: i for i, (_, e) in enumerate(spans)}
    return {"tokenized_text": record["text"].split(),
            "ner": [[first[e["start"]], last[e["end"]], e["label"]]
                    for e in record.get("entities", [])]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train", type=Path)
    parser.add_argument("dev", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=1300)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--lr", type=float, default=1e-4, help="the encoder's learning rate")
    parser.add_argument("--others-lr", type=float, default=1e-3,
                        help="the learning rate of the span and prompt layers (new here)")
    args = parser.parse_args()
    train = [example(r) for r in records(args.train)]
    labels = sorted({label for ex in train for _, _, label in ex["ner"]})
    model = GLiNER.from_config(GLiNERConfig(model_name=args.encoder, max_width=12,
                                            span_mode="markerV0", max_len=384))
    training = model.create_training_args(
        output_dir=str(args.work), learning_rate=args.lr, others_lr=args.others_lr,
        per_device_train_batch_size=args.batch_size, max_steps=args.steps,
        save_steps=10 ** 9, use_cpu=True, dataloader_num_workers=0)
    start = time.perf_counter()
    model.train_model(train_dataset=train, eval_dataset=None, training_args=training)
    train_seconds = time.perf_counter() - start
    model.eval()
    dev = records(args.dev)
    start = time.perf_counter()
    found = [model.predict_entities(r["text"], labels, threshold=0.5, flat_ner=True) for r in dev]
    seconds = time.perf_counter() - start
    with open(args.out, "w", encoding="utf-8") as out:
        for record, entities in zip(dev, found):
            ents = [{"id": f"T{k}", "start": e["start"], "end": e["end"], "label": e["label"]}
                    for k, e in enumerate(entities, 1)]
            out.write(json.dumps({"id": record["id"], "text": record["text"],
                                  "entities": ents}) + "\n")
    print(json.dumps({"train_seconds": round(train_seconds), "steps": args.steps,
                      "lr": args.lr, "others_lr": args.others_lr,
                      "sentences_per_s": round(len(dev) / seconds, 1)}))


if __name__ == "__main__":
    main()
