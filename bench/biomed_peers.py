"""A peer a user would otherwise train on one of the four biomedical corpora of the shipped
`biomed` model (issue 16): spaCy's CNN NER or the `gliner` library on the same MiniLM, trained
on the corpus's train split and scored on its devel split with assay's strict protocol, per
type: the figures the single-task and multi-task `transition` models are set against
(bench/results/transition.md). Each peer runs in its own environment (bench/peers/*.py says
how to make them). The corpora are CoNLL files of whitespace tokens, on which every mention
starts and ends: the peers take them as their words (gliner: `gliner-whitespace`, spans of up
to 12 tokens; a wider gold mention is one it cannot find, counted in `gold_wider`).

Run through the runner, which records the result (bench/experiments.toml:
biomed-peer-spacy-bc5cdr, ...):
    .venv/bin/python bench/run.py biomed-peer-spacy-bc5cdr
    (which runs: .venv/bin/python bench/biomed_peers.py spacy bc5cdr --seed 0 --json RESULT.json)
"""
from __future__ import annotations

import argparse
from pathlib import Path

from somd_peers import GLINER_PEERS, WORK, peer_command, run_peer, write_result

from assay import formats, metrics

DATA = Path("../shared/datasets/biomed_ner")
CORPORA = {"bc5cdr": "BC5CDR", "ncbi": "NCBI-disease", "bc2gm": "BC2GM",
           "linnaeus": "linnaeus"}
MAX_WIDTH = 12  # gliner-whitespace's widest span, in tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["spacy", "gliner-whitespace"])
    parser.add_argument("corpus", choices=list(CORPORA))
    parser.add_argument("--seed", type=int, help="the peer's training seed")
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    assert args.name == "spacy" or args.name in GLINER_PEERS
    WORK.mkdir(parents=True, exist_ok=True)
    folder = DATA / CORPORA[args.corpus]
    train = WORK / f"{args.corpus}-train.jsonl"
    dev = WORK / f"{args.corpus}-devel.jsonl"
    gold = list(formats.read(folder / "devel.tsv", "conll"))
    formats.write(formats.read(folder / "train.tsv", "conll"), train, "jsonl")
    formats.write(gold, dev, "jsonl")
    seeded = f"-s{args.seed}" if args.seed is not None else ""
    out = WORK / f"{args.name}-{args.corpus}-devel{seeded}.jsonl"
    command = peer_command(args.name, train, dev, out, args.seed, corpus=args.corpus)
    result, predicted = run_peer(command, out, gold)
    scores = metrics.to_json(metrics.evaluate(gold, predicted, "strict"))["entities_strict"]
    result["dev"] = {"entities_strict": {
        **{k: scores[k] for k in ("micro_p", "micro_r", "micro_f1", "macro_f1")},
        "per_label_f1": {label: x["f1"] for label, x in scores["per_label"].items()}}}
    result["gold_wider"] = sum(len(d.text[e.start:e.end].split()) > MAX_WIDTH
                               for d in gold for e in d.entities)
    write_result(result, command, args.name, args.json)

if __name__ == "__main__":
    main()
