"""The `gliner` library fine-tuned on the same encoder and data as assay: the label-prompted
peer. Runs in its own environment (gliner pins transformers < 5.17; assay does not):

    python3 -m venv build/peers/gliner
    build/peers/gliner/bin/pip install torch==2.13.0 gliner==0.2.29 "accelerate>=1.1"
    build/peers/gliner/bin/python bench/peers/gliner_ner.py TRAIN.jsonl DEV.jsonl [OUT.jsonl] \\
        --encoder PATH/TO/all-MiniLM-L6-v2 --work build/peers/gliner-somd [--steps 1300] \\
        [--words gliner|whitespace] [--predict IN.jsonl OUT.jsonl]

Sentences go in as the same words at training as at prediction: GLiNER's own splitter's
(`--words gliner`, what `predict_entities` does with raw text), or the text's whitespace tokens
(`--words whitespace`, for pre-tokenized shared-task text such as SOMD's, whose entities all
start and end on them). Every label of the training data is prompted.
Predictions (flat, threshold 0.5; of DEV into OUT, and of each `--predict` file) are written as
JSONL documents for `assay evaluate`. Prints the training time, each predicted file's
extraction speed (sentences/s) and the package versions.
"""
from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

from gliner import GLiNER, GLiNERConfig
from gliner.data_processing.tokenizer import WordsSplitter
from versions import first_speed, installed, speed


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def token_spans(text: str, splitter) -> list[tuple[int, int]]:
    """The words `splitter` makes of `text`: the ones prediction scores spans over, as the
    model's data processor is given the same splitter. Training on any other words teaches
    spans that prediction never offers: "13.1" is one whitespace token but three words of
    GLiNER's own splitter."""
    return [(start, end) for _, start, end in splitter(text)]


def whitespace_words(text: str):
    """The text's whitespace tokens as (word, start, end), the form GLiNER's splitters yield."""
    for match in re.finditer(r"\S+", text):
        yield match.group(), match.start(), match.end()


def example(record: dict, splitter) -> dict:
    spans = token_spans(record["text"], splitter)
    first = {s: i for i, (s, _) in enumerate(spans)}
    last = {e: i for i, (_, e) in enumerate(spans)}
    ner = []
    for e in record.get("entities", []):
        if e["start"] not in first or e["end"] not in last:
            raise ValueError(f"{record['id']}: entity {e['start']}-{e['end']} "
                             f"({record['text'][e['start']:e['end']]!r}) does not fall on "
                             "GLiNER word boundaries")
        ner.append([first[e["start"]], last[e["end"]], e["label"]])
    return {"tokenized_text": [record["text"][s:e] for s, e in spans], "ner": ner}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train", type=Path)
    parser.add_argument("dev", type=Path)
    parser.add_argument("out", type=Path, nargs="?", help="DEV's predictions")
    parser.add_argument("--predict", nargs=2, type=Path, action="append", default=[],
                        metavar=("IN", "OUT"), help="also predict IN into OUT (repeatable)")
    parser.add_argument("--encoder", required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=1300)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-width", type=int, default=12,
                        help="the widest span scored, in GLiNER words (a URL can be 20)")
    parser.add_argument("--words", choices=("gliner", "whitespace"), default="gliner",
                        help="the words spans are made of, at training and at prediction")
    parser.add_argument("--seed", type=int, default=42, help="the trainer's seed")
    parser.add_argument("--lr", type=float, default=1e-4, help="the encoder's learning rate")
    parser.add_argument("--others-lr", type=float, default=1e-3,
                        help="the learning rate of the span and prompt layers (new here)")
    args = parser.parse_args()
    config = GLiNERConfig(model_name=args.encoder, max_width=args.max_width,
                          span_mode="markerV0", max_len=384)
    splitter = (WordsSplitter(config.words_splitter_type) if args.words == "gliner"
                else whitespace_words)
    train = [example(r, splitter) for r in records(args.train)]
    labels = sorted({label for ex in train for _, _, label in ex["ner"]})
    model = GLiNER.from_config(config)
    model.data_processor.words_splitter = splitter  # what predict_entities splits text with
    training = model.create_training_args(
        output_dir=str(args.work), learning_rate=args.lr, others_lr=args.others_lr,
        per_device_train_batch_size=args.batch_size, max_steps=args.steps,
        save_steps=10 ** 9, seed=args.seed, use_cpu=True, dataloader_num_workers=0)
    start = time.perf_counter()
    model.train_model(train_dataset=train, eval_dataset=None, training_args=training)
    train_seconds = time.perf_counter() - start
    model.eval()
    predicted = {str(source): predict(model, labels, source, out)
                 for source, out in ([(args.dev, args.out)] if args.out else []) + args.predict}
    print(json.dumps({"seed": args.seed, "train_seconds": round(train_seconds),
                      "steps": args.steps,
                      "max_width": args.max_width, "words": args.words,
                      "lr": args.lr, "others_lr": args.others_lr,
                      **first_speed(predicted), "predicted": predicted,
                      "packages": installed("gliner", "torch", "transformers")}))


def predict(model, labels: list[str], source: Path, out: Path) -> dict:
    """`source`'s records predicted into `out`; their count and the time it took."""
    texts = records(source)
    start = time.perf_counter()
    found = [model.predict_entities(r["text"], labels, threshold=0.5, flat_ner=True)
             for r in texts]
    seconds = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as file:
        for record, entities in zip(texts, found):
            ents = [{"id": f"T{k}", "start": e["start"], "end": e["end"], "label": e["label"]}
                    for k, e in enumerate(entities, 1)]
            file.write(json.dumps({"id": record["id"], "text": record["text"],
                                   "entities": ents}) + "\n")
    return speed(len(texts), seconds)


if __name__ == "__main__":
    main()
