"""spaCy's CNN NER trained on a corpus in assay's JSONL, predicting another: the peer a user
would otherwise train. Runs in its own environment (spaCy is not an assay dependency):

    python3 -m venv build/peers/spacy && build/peers/spacy/bin/pip install "spacy==3.8.*"
    build/peers/spacy/bin/python bench/peers/spacy_ner.py TRAIN.jsonl DEV.jsonl [OUT.jsonl] \\
        --work build/peers/spacy-somd [--max-steps 3000] [--seed 0] [--predict IN.jsonl OUT.jsonl]

Texts are given to spaCy as their whitespace tokens (SOMD's tokenization), the config is
`spacy init config --pipeline ner --optimize accuracy` with no static vectors, selection is
spaCy's own on DEV. Predictions (of DEV into OUT, and of each `--predict` file) are written as
JSONL documents (id, text, entities) for `assay evaluate`. Prints the training time, each
predicted file's speed and the package versions.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

import spacy
from spacy.tokens import Doc, DocBin
from versions import first_speed, installed, speed


def docs(path: Path, nlp) -> list[tuple[dict, Doc]]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        doc = Doc(nlp.vocab, words=record["text"].split())
        spans = [doc.char_span(e["start"], e["end"], label=e["label"])
                 for e in record.get("entities", [])]
        if any(s is None for s in spans):
            raise ValueError(f"{path}: {record['id']}: an entity is not a run of tokens")
        doc.ents = spans
        out.append((record, doc))
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("train", type=Path)
    parser.add_argument("dev", type=Path)
    parser.add_argument("out", type=Path, nargs="?", help="DEV's predictions")
    parser.add_argument("--predict", nargs=2, type=Path, action="append", default=[],
                        metavar=("IN", "OUT"), help="also predict IN into OUT (repeatable)")
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--max-steps", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0, help="spaCy's system.seed")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    blank = spacy.blank("en")
    for name, path in (("train", args.train), ("dev", args.dev)):
        DocBin(docs=[d for _, d in docs(path, blank)]).to_disk(args.work / f"{name}.spacy")
    config = args.work / "config.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "config", str(config), "--lang", "en",
                    "--pipeline", "ner", "--optimize", "accuracy", "--force"], check=True)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "spacy", "train", str(config), "--output",
                    str(args.work / "model"), "--paths.train", str(args.work / "train.spacy"),
                    "--paths.dev", str(args.work / "dev.spacy"), "--paths.vectors", "null",
                    "--initialize.vectors", "null",
                    "--components.tok2vec.model.embed.include_static_vectors", "false",
                    "--training.max_steps", str(args.max_steps),
                    "--system.seed", str(args.seed)], check=True)
    train_seconds = time.perf_counter() - start
    nlp = spacy.load(args.work / "model" / "model-best")
    predicted = {str(source): predict(nlp, source, out)
                 for source, out in ([(args.dev, args.out)] if args.out else []) + args.predict}
    print(json.dumps({"seed": args.seed, "train_seconds": round(train_seconds),
                      "steps": args.max_steps, **first_speed(predicted),
                      "predicted": predicted, "packages": installed("spacy")}))


def predict(nlp, source: Path, out: Path) -> dict:
    """`source`'s records predicted into `out`; their count and the time it took."""
    records = docs(source, nlp)
    start = time.perf_counter()
    found = list(nlp.pipe([Doc(nlp.vocab, words=[t.text for t in d]) for _, d in records]))
    seconds = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as file:
        for (record, _), doc in zip(records, found):
            ents = [{"id": f"T{k}", "start": e.start_char, "end": e.end_char, "label": e.label_}
                    for k, e in enumerate(doc.ents, 1)]
            file.write(json.dumps({"id": record["id"], "text": record["text"],
                                   "entities": ents}) + "\n")
    return speed(len(records), seconds)


if __name__ == "__main__":
    main()
