"""The GutBrainIE 2025 pipeline on the dev carve (configs/gutbrainie-dev-ids.txt: 22 platinum
documents), and the span model asked zero-shot for SOMD's software types.

Run through the runner, after the runs gutbrain-span and gutbrain-atlop, which records the
result (bench/experiments.toml: gutbrain-pipeline):
    .venv/bin/python bench/run.py gutbrain-pipeline
    (which runs: .venv/bin/python bench/gutbrain.py --ner build/runs/gutbrain-span-s13
        --re build/runs/gutbrain-atlop-s13 --json RESULT.json)

Scores every subtask (6.1 NER, 6.2.1 binary tag RE, 6.2.2 ternary tag RE, 6.2.3 ternary
mention RE) with the official scorer's counting, micro and macro P/R/F1, for:
- `pipeline`: span NER, then docre over the predicted entities (end to end);
- `gold entities`: docre over the gold entities (what NER errors cost RE).
`bench/report.py` writes bench/results/gutbrainie.md from the record.
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from assay import formats, metrics
from assay.models.registry import load_model
from assay.pipeline import Pipeline
from assay.training.data import carve

DATA = Path("../shared/datasets")
PLATINUM = DATA / "gutbrainie2025/train_platinum.json"
DEV_IDS = Path("configs/gutbrainie-dev-ids.txt")
# SOMD's types, glossed for a model that never saw them (zero-shot prompts)
SOMD_TYPES = {
    "Application": "a software application or tool used in the study",
    "PlugIn": "a software package, library or plug-in of another program",
    "ProgrammingEnvironment": "a programming language or environment such as R or Python",
    "OperatingSystem": "a computer operating system",
    "Version": "a software version number",
    "Release": "a named software release",
    "Developer": "the person, company or institution that develops a software",
    "URL": "a web address of a software",
    "License": "a software license",
    "Citation": "a reference citing a software",
    "Abbreviation": "an abbreviation of a software name",
    "AlternativeName": "another name of a software",
    "Extension": "an extension or edition of a software",
    "SoftwareCoreference": "a phrase referring back to a software mentioned before",
}


def scored(gold, predicted, protocol: str) -> dict:
    return metrics.to_json(metrics.evaluate(gold, predicted, protocol))


def timed(extractors, docs) -> tuple[list, float]:
    start = time.perf_counter()
    predicted = list(Pipeline(extractors).pipe(docs))
    return predicted, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", type=Path, default=Path("build/models/gutbrain-span"))
    parser.add_argument("--re", type=Path, default=Path("build/models/gutbrain-atlop"))
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    dev = carve(list(formats.read(PLATINUM, "gutbrainie")), DEV_IDS)[1]
    ner, re = load_model(args.ner), load_model(args.re)
    results = {"dev": f"{PLATINUM} (the {len(dev)} documents in {DEV_IDS})",
               "ner": str(args.ner), "re": str(args.re)}
    predicted, seconds = timed([ner, re], dev)
    results["pipeline"] = scored(dev, predicted, "gutbrainie")
    results["pipeline_seconds"] = round(seconds, 1)
    predicted, seconds = timed([re], dev)
    results["gold_entities"] = scored(dev, predicted, "gutbrainie")
    results["gold_entities_seconds"] = round(seconds, 1)
    somd = list(formats.read(DATA / "somd2025/dev", "somd"))
    ner.use_labels(list(SOMD_TYPES), SOMD_TYPES)
    predicted, _ = timed([ner], somd)
    results["zero_shot_somd"] = scored(somd, predicted, "strict")["entities_strict"]
    results["zero_shot_somd_found"] = sum(len(d.entities) for d in predicted)
    args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
