"""A GutBrainIE 2025 dev carve of 60 documents from platinum + gold, stratified by relation
count (issue 20: a 22-document carve selects noise). It holds the 22 platinum documents of
configs/gutbrainie-dev-ids.txt, so models trained without the larger carve can still be scored
on the smaller one, and 38 more drawn at random (seed 13) from platinum + gold in proportion
to each relation-count quartile. Writes configs/gutbrainie-dev60-ids.txt:
    .venv/bin/python bench/gutbrain_carve.py

With `--folds K`: K folds of platinum + gold for cross-validation instead, stratified by
relation count (the documents sorted by it, each run of K dealt at random, seed 13, one to a
fold), each fold's ids in configs/gutbrainie-fold{k}-ids.txt, the dev of a recipe run with
`--set data.dev_ids=configs/gutbrainie-fold{k}-ids.txt`:
    .venv/bin/python bench/gutbrain_carve.py --folds 5
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

from assay.formats import read
from assay.formats.base import listed_ids

DATA = Path("../shared/datasets/gutbrainie2025")
SIZE, SEED = 60, 13
OUT = Path("configs/gutbrainie-dev60-ids.txt")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, help="write this many cross-validation folds")
    args = parser.parse_args()
    relations = {d.id: len(d.relations) for name in ("train_platinum.json", "train_gold.json")
                 for d in read(DATA / name, "gutbrainie")}
    if args.folds:
        return write_folds(relations, args.folds)
    kept = listed_ids(Path("configs/gutbrainie-dev-ids.txt"))
    rest = sorted((n, i) for i, n in relations.items() if i not in kept)
    quartiles = [rest[q * len(rest) // 4:(q + 1) * len(rest) // 4] for q in range(4)]
    rng, wanted, drawn = random.Random(SEED), SIZE - len(kept), []
    for q, group in enumerate(quartiles):
        share = wanted * (q + 1) // 4 - wanted * q // 4
        drawn += [i for _, i in rng.sample(group, share)]
    carve = sorted(kept | set(drawn))
    counts = sorted(relations[i] for i in carve)
    OUT.write_text(
        f"# GutBrainIE 2025 dev carve: {len(carve)} of the {len(relations)} platinum + gold "
        f"documents, made by bench/gutbrain_carve.py:\n# the {len(kept)} of "
        "configs/gutbrainie-dev-ids.txt and "
        f"{len(drawn)} drawn (seed {SEED}) by relation-count quartile of the rest; relations "
        f"a document: median {counts[len(counts) // 2]}, max {counts[-1]}\n"
        + "".join(f"{i}\n" for i in carve), encoding="utf-8")
    print(f"{OUT}: {len(carve)} documents, {sum(counts)} relations")


def write_folds(relations: dict[str, int], k: int) -> None:
    ranked = [i for _, i in sorted((n, i) for i, n in relations.items())]
    rng, folds = random.Random(SEED), [[] for _ in range(k)]
    for at in range(0, len(ranked), k):
        run = ranked[at:at + k]
        for fold, doc in zip(rng.sample(range(k), len(run)), run):
            folds[fold].append(doc)
    for number, fold in enumerate(folds, 1):
        counts = sorted(relations[i] for i in fold)
        path = OUT.with_name(f"gutbrainie-fold{number}-ids.txt")
        path.write_text(
            f"# GutBrainIE 2025 cross-validation fold {number} of {k}: {len(fold)} of the "
            f"{len(relations)} platinum + gold documents, made by bench/gutbrain_carve.py "
            f"--folds {k}\n# (stratified by relation count, seed {SEED}); relations a "
            f"document: median {counts[len(counts) // 2]}, max {counts[-1]}, "
            f"{sum(counts)} in all\n" + "".join(f"{i}\n" for i in sorted(fold)),
            encoding="utf-8")
        print(f"{path}: {len(fold)} documents, {sum(counts)} relations")


if __name__ == "__main__":
    main()
