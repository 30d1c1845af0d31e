"""Read every corpus in ../shared/datasets with its reader and compare the counts with those
its SOURCE.txt / README state.

Run: .venv/bin/python bench/dataset_counts.py [--datasets PATH]   (or: make bench-datasets)
Recorded: .venv/bin/python bench/run.py dataset-counts (bench/report.py then writes
bench/results/dataset_counts.md from the record). Exits 1 when a count differs.

A `-` in the expected column: the source states no figure for that count. `relations` for
WLPC counts R lines plus E (event) lines, as SOURCE.txt does. CoNLL-2003's stated entities are
its B- tags; the file also holds stray I- tags after O (267 in train, 56 in dev), which the
lenient reader reports and reads as entities, so they are added to the expected count here.
MeasEval's entities are its TSV rows (its "annotations"); its relations, the relation keys
of the rows, are stated nowhere. Its trial split is stated as 66 paragraphs, but the copy
holds 65 texts (with the stated 832 annotations), so its document count is not checked. Its
BRAT copy holds a file a measurement (883 for 248 paragraphs).
"""
from __future__ import annotations

import argparse
import json
import os
from dataclasses import dataclass
from pathlib import Path

from assay import formats
from assay.doc import Document
from assay.errors import Problems

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"


@dataclass
class Corpus:
    name: str
    format: str
    paths: tuple[str, ...]
    documents: int | None = None
    sentences: int | None = None
    entities: int | None = None
    relations: int | None = None
    problems: int = 0  # records the source itself gets wrong, found and reported in lenient mode


CORPORA = [
    Corpus("SciERC train", "dygie", ("scierc/train.json",), 350, 1861, 5598, 3219),
    Corpus("SciERC dev", "dygie", ("scierc/dev.json",), 50, 275, 811, 455),
    Corpus("CoNLL04 train", "spert", ("conll04/train.json",), 922, None, 3377, 1283),
    Corpus("CoNLL04 dev", "spert", ("conll04/dev.json",), 231, None, 893, 343),
    Corpus("SOMD train+dev", "somd", ("somd2025/train", "somd2025/dev"), 1149, 1149, 4182, 2551),
    Corpus("GutBrainIE platinum", "gutbrainie", ("gutbrainie2025/train_platinum.json",), 111, None, 3638, 1455),
    Corpus("GutBrainIE gold", "gutbrainie", ("gutbrainie2025/train_gold.json",), 208, None, 5192, 1994),
    Corpus("GutBrainIE silver", "gutbrainie", ("gutbrainie2025/train_silver.json",), 499, None, 15275, 10616),
    Corpus("GutBrainIE bronze", "gutbrainie", ("gutbrainie2025/train_bronze.json",), 749, None, 21357, 8165),
    Corpus("BC5CDR CID train", "pubtator", ("bc5cdr_cid/train.pubtator",), 500, None, None, 1038),
    Corpus("BC5CDR CID dev", "pubtator", ("bc5cdr_cid/dev.pubtator",), 500, None, 9591, 1012),
    Corpus("WLPC train", "brat", ("wlpc/train",), 370, None, 48197, 29002),
    Corpus("WLPC dev", "brat", ("wlpc/dev",), 122, None, 15972, 9543),
    Corpus("GENIA train", "genia", ("genia_nested/train.jsonl",), 1500, 1500),
    Corpus("GENIA dev", "genia", ("genia_nested/dev.jsonl",), 265, 265),
    Corpus("CoNLL-2003 train", "conll", ("conll2003/train.txt",), 14041, 14041, 23234 + 267, 0, 267),
    Corpus("CoNLL-2003 dev", "conll", ("conll2003/dev.txt",), 3250, 3250, 5886 + 56, 0, 56),
    *(Corpus(f"{name} {split}", "conll", (f"biomed_ner/{name}/{split}.tsv",))
      for name in ("BC5CDR", "BC5CDR-chem", "BC5CDR-disease", "NCBI-disease", "BC2GM", "linnaeus")
      for split in ("train", "devel")),
    Corpus("MeasEval train", "measeval", ("measeval/train",), 248, None, 2531),
    Corpus("MeasEval trial", "measeval", ("measeval/trial",), None, None, 832),
    Corpus("MeasEval train (BRAT)", "brat", ("measeval/train/brat",)),
]
COUNTS = ("documents", "sentences", "entities", "relations", "problems")


def relation_lines(doc: Document) -> int:
    """Relations as a file counts its lines: an event (BRAT E line) counts once, not per argument."""
    events = sum(len(e.attrs.get("events", [])) for e in doc.entities)
    return events + sum(1 for r in doc.relations if "event" not in r.attrs)


def count(corpus: Corpus, root: Path) -> dict[str, int]:
    problems = Problems(strict=False)
    docs = [d for path in corpus.paths for d in formats.read(root / path, corpus.format, problems)]
    return {"documents": len(docs), "sentences": sum(len(d.sentences) for d in docs),
            "entities": sum(len(d.entities) for d in docs),
            "relations": sum(relation_lines(d) for d in docs), "problems": len(problems.errors)}


def mismatches(corpus: Corpus, found: dict[str, int]) -> list[str]:
    return [f"{corpus.name} {key}: read {found[key]}, expected {getattr(corpus, key)}"
            for key in COUNTS if getattr(corpus, key) is not None and found[key] != getattr(corpus, key)]


def main() -> int:
    from pages import counts_table  # a script's sibling (tests import this module)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DEFAULT)
    parser.add_argument("--json", type=Path, help="also write the counts here")
    args = parser.parse_args()
    found = [count(c, args.datasets) for c in CORPORA]
    corpora = [{"name": c.name, "format": c.format, "read": read,
                "expected": {key: getattr(c, key) for key in COUNTS}}
               for c, read in zip(CORPORA, found)]
    result = {"datasets": os.path.relpath(args.datasets), "corpora": corpora}
    print(counts_table(result))
    wrong = [line for c, read in zip(CORPORA, found) for line in mismatches(c, read)]
    for line in wrong:
        print("MISMATCH", line)
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
