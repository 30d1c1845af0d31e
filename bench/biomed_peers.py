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
The corpus names are those the multi-task model scores by (bc5cdr, ncbi-disease, bc2gm, linnaeus).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from somd_peers import WORK, peer_command, run_peer, write_result

from assay import formats, metrics
from assay.training.data import read_sources
from assay.training.recipe import load_recipe

#: each corpus's single-task recipe, whose training and dev data the peer gets
CORPORA = {"bc5cdr": "configs/bc5cdr-transition.toml",
           "ncbi-disease": "configs/ncbi-transition.toml",
           "bc2gm": "configs/bc2gm-transition.toml",
           "linnaeus": "configs/linnaeus-transition.toml"}
MAX_WIDTH = 12  # gliner-whitespace's widest span, in tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["spacy", "gliner-whitespace"])
    parser.add_argument("corpus", choices=list(CORPORA))
    parser.add_argument("--seed", type=int, help="the peer's training seed")
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    training, gold = read_sources(load_recipe(CORPORA[args.corpus]).data)
    train = WORK / f"{args.corpus}-train.jsonl"
    dev = WORK / f"{args.corpus}-devel.jsonl"
    formats.write(training.docs, train, "jsonl")
    formats.write(gold, dev, "jsonl")
    seeded = f"-s{args.seed}" if args.seed is not None else ""
    out = WORK / f"{args.name}-{args.corpus}-devel{seeded}.jsonl"
    command = peer_command(args.name, train, dev, out, args.seed, corpus=args.corpus)
    result, predicted = run_peer(command, out, gold)
    scores = metrics.to_json(metrics.evaluate(gold, predicted, "strict"))["entities_strict"]
    result["dev"] = {"entities_strict": {
        **{k: scores[k] for k in ("micro_p", "micro_r", "micro_f1", "macro_f1")},
        "per_label_f1": {label: x["f1"] for label, x in scores["per_label"].items()}}}
    if args.name != "spacy":  # gold mentions wider than gliner's widest span: never found
        result["gold_wider"] = sum(len(d.text[e.start:e.end].split()) > MAX_WIDTH
                                   for d in gold for e in d.entities)
    write_result(result, command, args.name, args.json)


if __name__ == "__main__":
    main()
