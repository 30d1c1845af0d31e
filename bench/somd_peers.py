"""The peers a user would otherwise train on SOMD 2025, trained and scored in one run: spaCy's
CNN NER and the `gliner` library on the same MiniLM encoder. Each peer runs in its own virtual
environment (see bench/peers/*.py for how to make them); its predictions are scored here with
assay's SOMD protocol, and the result goes to bench/results/runs/peer-<name>.json.

Run: .venv/bin/python bench/somd_peers.py [spacy] [gliner]

Recorded commands write `$MINILM` for the packaged encoder's folder
(`assay.models.encoders.resolve_backbone("minilm")`).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import date
from pathlib import Path

from assay import formats, metrics
from assay.models.encoders import resolve_backbone

DATA = Path("../shared/datasets/somd2025")
WORK = Path("build/peers")
RUNS = Path("bench/results/runs")


def jsonl(split: str) -> Path:
    path = WORK / f"somd-{split}.jsonl"
    formats.write(formats.read(DATA / split, "somd"), path, "jsonl")
    return path


def peer_command(name: str, train: Path, dev: Path, out: Path) -> list[str]:
    python = str(WORK / name / "bin" / "python")
    if name == "spacy":
        return [python, "bench/peers/spacy_ner.py", str(train), str(dev), str(out),
                "--work", str(WORK / "spacy-somd")]
    return [python, "bench/peers/gliner_ner.py", str(train), str(dev), str(out),
            "--encoder", resolve_backbone("minilm"), "--work", str(WORK / "gliner-somd"),
            "--max-width", "24"]


def main() -> None:
    names = sys.argv[1:] or ["spacy", "gliner"]
    WORK.mkdir(parents=True, exist_ok=True)
    train, dev = jsonl("train"), jsonl("dev")
    gold = list(formats.read(DATA / "dev", "somd"))
    for name in names:
        out = WORK / f"{name}-somd-dev.jsonl"
        command = peer_command(name, train, dev, out)
        done = subprocess.run(command, check=True, capture_output=True, text=True)
        timing = json.loads(done.stdout.strip().splitlines()[-1])
        predicted = list(formats.read(out, "jsonl"))
        for g, p in zip(gold, predicted):
            p.id = g.id
        scores = metrics.to_json(metrics.evaluate(gold, predicted, "somd"))
        shown = " ".join(command).replace(resolve_backbone("minilm"), "$MINILM")
        result = {"name": f"peer-{name}", "command": shown, **timing,
                  "dev": {"entities": {k: scores["entities"][k] for k in
                                       ("micro_p", "micro_r", "micro_f1", "macro_f1")}},
                  "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU",
                  "date": date.today().isoformat()}
        RUNS.mkdir(parents=True, exist_ok=True)
        (RUNS / f"peer-{name}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
