"""A peer a user would otherwise train on SOMD 2025, trained and scored: spaCy's CNN NER or the
`gliner` library on the same MiniLM encoder. Each peer runs in its own virtual environment (see
bench/peers/*.py for how to make them); its predictions are scored here with assay's SOMD
protocol. Run through the runner, which records the result (bench/experiments.toml:
peer-spacy, peer-gliner, peer-gliner-whitespace):

    .venv/bin/python bench/run.py peer-spacy --seed 1
    (which runs: .venv/bin/python bench/somd_peers.py spacy --seed 1 --json RESULT.json)

Without --seed a peer trains with its own default seed (spaCy 0, gliner's trainer 42).

`gliner` splits text into words with its own splitter (at training as at prediction), so spans
of up to 24 of its words are scored (a URL is many); `gliner-whitespace` takes SOMD's own
tokens as its words, on which every entity starts and ends (12 at most).

The command reported writes `$MINILM` for the packaged encoder's folder
(`assay.models.encoders.resolve_backbone("minilm")`).
"""
from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

from assay import formats, metrics
from assay.doc import Document
from assay.models.encoders import resolve_backbone

DATA = Path("../shared/datasets/somd2025")
WORK = Path("build/peers")


def jsonl(split: str) -> Path:
    path = WORK / f"somd-{split}.jsonl"
    formats.write(formats.read(DATA / split, "somd"), path, "jsonl")
    return path


# each gliner peer's own arguments: the words it reads text as, and the widest span in them
GLINER_PEERS = {"gliner": ["--max-width", "24"],
                "gliner-whitespace": ["--words", "whitespace", "--max-width", "12"]}


def peer_command(name: str, train: Path, dev: Path, out: Path, seed: int | None,
                 corpus: str = "somd") -> list[str]:
    """The command that trains peer `name` on `train` (selecting on `dev` where it selects)
    and predicts `dev` into `out`, in its own environment and work folder for `corpus`."""
    python = str(WORK / name.split("-")[0] / "bin" / "python")
    seeded = ["--seed", str(seed)] if seed is not None else []
    if name == "spacy":
        return [python, "bench/peers/spacy_ner.py", str(train), str(dev), str(out),
                "--work", str(WORK / f"spacy-{corpus}"), *seeded]
    return [python, "bench/peers/gliner_ner.py", str(train), str(dev), str(out),
            "--encoder", resolve_backbone("minilm"), "--work", str(WORK / f"{name}-{corpus}"),
            *GLINER_PEERS[name], *seeded]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["spacy", *GLINER_PEERS])
    parser.add_argument("--seed", type=int, help="the peer's training seed")
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    train, dev = jsonl("train"), jsonl("dev")
    gold = list(formats.read(DATA / "dev", "somd"))
    out = WORK / f"{args.name}-somd-dev{f'-s{args.seed}' if args.seed is not None else ''}.jsonl"
    command = peer_command(args.name, train, dev, out, args.seed)
    result, predicted = run_peer(command, out, gold)
    scores = metrics.to_json(metrics.evaluate(gold, predicted, "somd"))
    result["dev"] = {"entities": {k: scores["entities"][k] for k in
                                  ("micro_p", "micro_r", "micro_f1", "macro_f1")}}
    write_result(result, command, args.name, args.json)


def run_peer(command: list[str], out: Path, gold: list[Document]
             ) -> tuple[dict, list[Document]]:
    """Run a peer's command: what it printed (less its seed, the record's own field) and its
    predictions in `out`, which are `gold`'s documents in order, given their ids."""
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.pop("seed")
    predicted = list(formats.read(out, "jsonl"))
    for g, p in zip(gold, predicted, strict=True):
        p.id = g.id
    return result, predicted


def write_result(result: dict, command: list[str], name: str, path: Path) -> None:
    """The peer's result with its command (the packaged encoder's folder as `$MINILM`) and
    its packages, written to `path` for the runner's record."""
    result["command"] = " ".join(command).replace(resolve_backbone("minilm"), "$MINILM")
    result["packages"] = {name.split("-")[0]: result.pop("packages")}
    path.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["dev"]))


if __name__ == "__main__":
    main()
