"""The peers a user would otherwise train on SOMD 2025, trained and scored in one run: spaCy's
CNN NER and the `gliner` library on the same MiniLM encoder. Each peer runs in its own virtual
environment (see bench/peers/*.py for how to make them); its predictions are scored here with
assay's SOMD protocol, and the result goes to bench/results/runs/peer-<name>.json.

Run: .venv/bin/python bench/somd_peers.py [spacy] [gliner] [gliner-whitespace] [--seed N]

Without --seed each peer trains with its own default seed (spaCy 0, gliner's trainer 42) and
writes peer-<name>.json; with one, peer-<name>-s<N>.json.

`gliner` splits text into words with its own splitter (at training as at prediction), so spans
of up to 24 of its words are scored (a URL is many); `gliner-whitespace` takes SOMD's own
tokens as its words, on which every entity starts and ends (12 at most).

Recorded commands write `$MINILM` for the packaged encoder's folder
(`assay.models.encoders.resolve_backbone("minilm")`).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
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


# each gliner peer's own arguments: the words it reads text as, and the widest span in them
GLINER_PEERS = {"gliner": ["--max-width", "24"],
                "gliner-whitespace": ["--words", "whitespace", "--max-width", "12"]}


def peer_command(name: str, train: Path, dev: Path, out: Path,
                 seed: int | None) -> list[str]:
    python = str(WORK / name.split("-")[0] / "bin" / "python")
    seeded = ["--seed", str(seed)] if seed is not None else []
    if name == "spacy":
        return [python, "bench/peers/spacy_ner.py", str(train), str(dev), str(out),
                "--work", str(WORK / "spacy-somd"), *seeded]
    return [python, "bench/peers/gliner_ner.py", str(train), str(dev), str(out),
            "--encoder", resolve_backbone("minilm"), "--work", str(WORK / f"{name}-somd"),
            *GLINER_PEERS[name], *seeded]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("names", nargs="*", default=["spacy", "gliner"],
                        choices=["spacy", *GLINER_PEERS])
    parser.add_argument("--seed", type=int, help="the peer's training seed")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    train, dev = jsonl("train"), jsonl("dev")
    gold = list(formats.read(DATA / "dev", "somd"))
    suffix = f"-s{args.seed}" if args.seed is not None else ""
    for name in args.names:
        out = WORK / f"{name}-somd-dev{suffix}.jsonl"
        command = peer_command(name, train, dev, out, args.seed)
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
        (RUNS / f"peer-{name}{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
        print(json.dumps(result))


if __name__ == "__main__":
    main()
