"""The GutBrainIE 2025 pipeline on the dev carve (configs/gutbrainie-dev-ids.txt: 22 platinum
documents), and the span model asked zero-shot for SOMD's software types.

Run from the repository root, after `assay train configs/gutbrain-span.toml` and
`assay train configs/gutbrain-atlop.toml`:
    .venv/bin/python bench/gutbrain.py [--ner build/models/gutbrain-span]
        [--re build/models/gutbrain-atlop]

Scores every subtask (6.1 NER, 6.2.1 binary tag RE, 6.2.2 ternary tag RE, 6.2.3 ternary
mention RE) with the official scorer's counting, micro and macro P/R/F1, for:
- `pipeline`: span NER, then docre over the predicted entities (end to end);
- `gold entities`: docre over the gold entities (what NER errors cost RE);
and writes bench/results/gutbrainie.md and .json.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from datetime import date
from pathlib import Path

from assay import formats, metrics
from assay.models.registry import load_model
from assay.pipeline import Pipeline
from assay.training.trainer import carve

DATA = Path("../shared/datasets")
PLATINUM = DATA / "gutbrainie2025/train_platinum.json"
DEV_IDS = Path("configs/gutbrainie-dev-ids.txt")
OUT = Path("bench/results/gutbrainie")
TASKS = {"NER": "6.1 NER", "binary_tag_RE": "6.2.1 binary tag RE",
         "ternary_tag_RE": "6.2.2 ternary tag RE",
         "ternary_mention_RE": "6.2.3 ternary mention RE"}
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
    args = parser.parse_args()
    dev = carve(list(formats.read(PLATINUM, "gutbrainie")), DEV_IDS)[1]
    ner, re = load_model(args.ner), load_model(args.re)
    results = {"dev": f"{PLATINUM} (the {len(dev)} documents in {DEV_IDS})",
               "ner": str(args.ner), "re": str(args.re), "machine": platform.machine(),
               "cpus": os.cpu_count(), "date": date.today().isoformat(),
               "command": " ".join([Path(sys.executable).name, *sys.argv])}
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
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.with_suffix(".json").write_text(json.dumps(results, indent=2) + "\n")
    OUT.with_suffix(".md").write_text(report(results))
    print(report(results))


def report(r: dict) -> str:
    lines = ["# GutBrainIE 2025: span NER + docre (ATLOP) on the dev carve", "",
             f"Dev: {r['dev']}. NER: `{r['ner']}`, RE: `{r['re']}`. Machine: {r['machine']}, "
             f"{r['cpus']} CPU cores, no GPU; {r['date']}. Command: `{r['command']}`.", "",
             "| subtask | setting | micro P | micro R | micro F1 | macro P | macro R | "
             "macro F1 |", "|---|---|---|---|---|---|---|---|"]
    for task, title in TASKS.items():
        for setting in ("pipeline", "gold_entities"):
            if task == "NER" and setting == "gold_entities":
                continue
            s = r[setting][task]
            lines.append(f"| {title} | {setting.replace('_', ' ')} | " + " | ".join(
                f"{s[k]:.4f}" for k in ("micro_p", "micro_r", "micro_f1", "macro_p",
                                        "macro_r", "macro_f1")) + " |")
    z = r["zero_shot_somd"]
    lines += ["", f"Pipeline time over the carve: {r['pipeline_seconds']} s (docre alone "
              f"{r['gold_entities_seconds']} s).", "",
              "Zero-shot: the span NER model, trained on GutBrainIE only, prompted with SOMD's "
              "14 software types and a one-line description of each (bench/gutbrain.py), on "
              f"SOMD 2025 dev, strict entity matching: micro P {z['micro_p']:.4f}, R "
              f"{z['micro_r']:.4f}, F1 {z['micro_f1']:.4f}; macro F1 {z['macro_f1']:.4f}. "
              f"It returned {r['zero_shot_somd_found']} entities over SOMD dev ({z['support']} "
              "gold): trained on 13 types only, it stays nearly silent on types it never "
              "saw.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
