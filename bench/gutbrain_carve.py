"""A GutBrainIE 2025 dev carve of 60 documents from platinum + gold, stratified by relation
count (issue 20: a 22-document carve selects noise). It holds the 22 platinum documents of
configs/gutbrainie-dev-ids.txt, so models trained without the larger carve can still be scored
on the smaller one, and 38 more drawn at random (seed 13) from platinum + gold in proportion
to each relation-count quartile. Writes configs/gutbrainie-dev60-ids.txt:
    .venv/bin/python bench/gutbrain_carve.py
"""
from __future__ import annotations

import random
from pathlib import Path

from assay.formats import read
from assay.formats.base import listed_ids

DATA = Path("../shared/datasets/gutbrainie2025")
SIZE, SEED = 60, 13
OUT = Path("configs/gutbrainie-dev60-ids.txt")


def main() -> None:
    relations = {d.id: len(d.relations) for name in ("train_platinum.json", "train_gold.json")
                 for d in read(DATA / name, "gutbrainie")}
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


if __name__ == "__main__":
    main()
