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

from assay import metrics
from assay.doc import Document, Entity
from assay.models.contract import EVERYTHING
from assay.models.encoders import resolve_backbone
from assay.models.registry import load_model
from assay.pipeline import Pipeline
from assay.text.units import unit_spans
from assay.training.data import carve, read_docs

WORK = Path("build/peers")


def sentence_records(docs: list[Document], cut: bool) -> tuple[list[dict], list[list]]:
    """A record per sentence (text: its units joined by spaces, entities in those offsets)
    and, per record, (document index, the original span of each unit)."""
    from assay.models.windows import sentence_spans

    records, maps = [], []
    for k, doc in enumerate(docs):
        cuts = [p for e in doc.entities for p in e.span] if cut else ()
        for n, (s, e) in enumerate(sentence_spans(doc)):
            units = unit_spans(doc.text, s, e, cuts)
            if not units:
                continue
            starts, pos = [], 0
            for a, b in units:
                starts.append(pos)
                pos += b - a + 1
            text = " ".join(doc.text[a:b] for a, b in units)
            first = {a: i for i, (a, _) in enumerate(units)}
            last = {b: i for i, (_, b) in enumerate(units)}
            entities = [{"start": starts[first[x.start]],
                         "end": starts[last[x.end]] + x.end - units[last[x.end]][0],
                         "label": x.label} for x in doc.entities
                        if s <= x.start and x.end <= e and x.start in first and x.end in last]
            records.append({"id": f"{doc.id}:{n}", "text": text, "entities": entities})
            maps.append((k, units, starts))
    return records, maps


def from_records(docs: list[Document], records: list[dict], maps: list) -> list[Document]:
    """Predicted records back to documents in original offsets."""
    found: list[list[Entity]] = [[] for _ in docs]
    for record, (k, units, starts) in zip(records, maps):
        for e in record["entities"]:
            first = max(i for i, p in enumerate(starts) if p <= e["start"])
            last = max(i for i, p in enumerate(starts) if p < e["end"])
            found[k].append(Entity(units[first][0], units[last][1], e["label"],
                                   id=f"T{len(found[k]) + 1}"))
    return [Document(d.id, d.text, f, sections=d.sections, meta=d.meta)
            for d, f in zip(docs, found)]


def write_jsonl(records: list[dict], path: Path) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


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
