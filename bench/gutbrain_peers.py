"""assay's `span` model against the `gliner` library on GutBrainIE NER: the same MiniLM
encoder, the same training data (platinum + gold less the dev carve), the same number of
steps and batch size; entity F1 on the dev carve (the official scorer's NER counting) and
extraction speed, in one run. gliner runs in its own environment (bench/peers/gliner_ner.py).

Run through the runner, after the run gutbrain-span, which records the result
(bench/experiments.toml: gutbrain-gliner):
    .venv/bin/python bench/run.py gutbrain-gliner
    (which runs: .venv/bin/python bench/gutbrain_peers.py --span build/runs/gutbrain-span-s13
        --json RESULT.json)

Every sentence goes to gliner as its units (assay's tokens, cut at entity boundaries in
training) joined by single spaces, which gliner's own word splitter splits back into the same
units; its predictions are mapped back to the original character offsets. The steps gliner
trains for are those the span model took: its epochs run times its batches per epoch.
`bench/report.py` writes bench/results/gutbrainie_peers.md from the record.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import time
from pathlib import Path

from peer_sentences import from_records, sentence_records, write_jsonl

from assay import metrics
from assay.models.contract import EVERYTHING
from assay.models.encoders import resolve_backbone
from assay.models.registry import load_model
from assay.pipeline import Pipeline
from assay.training.data import carve, read_docs

WORK = Path("build/peers")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--span", type=Path, default=Path("build/models/gutbrain-span"))
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    saved = json.loads((args.span / "recipe.json").read_text())
    data = saved["data"]
    train, dev = carve(read_docs(data["train"], data["format"], False), Path(data["dev_ids"]))
    span = load_model(args.span)
    log = [json.loads(line) for line in (args.span / "log.jsonl").read_text().splitlines()]
    batches = -(-len(span.examples(train, [EVERYTHING] * len(train))) // saved["train"]["batch_size"])
    steps = batches * saved["train"]["epochs"]
    WORK.mkdir(parents=True, exist_ok=True)
    train_records, _ = sentence_records(train, cut=True)
    dev_records, dev_maps = sentence_records(dev, cut=False)
    write_jsonl(train_records, WORK / "gutbrain-train.jsonl")
    write_jsonl(dev_records, WORK / "gutbrain-dev.jsonl")
    out = WORK / "gliner-gutbrain-dev.jsonl"
    command = [str(WORK / "gliner/bin/python"), "bench/peers/gliner_ner.py",
               str(WORK / "gutbrain-train.jsonl"), str(WORK / "gutbrain-dev.jsonl"), str(out),
               "--encoder", resolve_backbone("minilm"), "--work", str(WORK / "gliner-gutbrain"),
               "--steps", str(steps), "--batch-size", str(saved["train"]["batch_size"])]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    gliner = json.loads(done.stdout.strip().splitlines()[-1])
    predicted = from_records(dev, [json.loads(line) for line in out.read_text().splitlines()],
                             dev_maps)
    gliner["dev"] = metrics.to_json(metrics.evaluate(dev, predicted, "gutbrainie"))["NER"]
    start = time.perf_counter()
    ours = list(Pipeline([span]).pipe(dev))
    seconds = time.perf_counter() - start
    assay = {"train_seconds": round(sum(r["seconds"] for r in log)), "steps": steps,
             "batch_size": saved["train"]["batch_size"],
             "epochs": saved["train"]["epochs"], "sentences_per_s": round(len(dev_records) / seconds, 1),
             "dev": metrics.to_json(metrics.evaluate(dev, ours, "gutbrainie"))["NER"]}
    packages = {"gliner": gliner.pop("packages")}
    result = {"assay_span": assay, "gliner": gliner, "dev_sentences": len(dev_records),
              "gliner_command": " ".join(command).replace(resolve_backbone("minilm"), "$MINILM"),
              "packages": packages}
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps({"assay span micro F1": assay["dev"]["micro_f1"],
                      "gliner micro F1": gliner["dev"]["micro_f1"]}))


if __name__ == "__main__":
    main()
