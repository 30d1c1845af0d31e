"""Readers and writers, one module a format, each with `read(path, problems)` and
`write(docs, path)`. Use them by name through `read` and `write` below."""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Iterable, Iterator

from assay.doc import Document
from assay.errors import Problems
from assay.formats import brat, conll, dygie, genia, gutbrainie, jsonl, pubtator, somd, spert

FORMATS: dict[str, ModuleType] = {
    "jsonl": jsonl, "conll": conll, "somd": somd, "dygie": dygie, "spert": spert,
    "gutbrainie": gutbrainie, "pubtator": pubtator, "brat": brat, "genia": genia,
}
# Formats whose data spans several files: the path is a folder or a file prefix.
MULTI_FILE = {"somd": "a folder with texts.txt, entities.txt, relations.txt, or a prefix such as "
                      "data/train for data/train_texts.txt ...",
              "brat": "a folder of NAME.txt + NAME.ann pairs, or one .ann/.txt file"}


def module(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def read(path: str | Path, format: str, problems: Problems | None = None) -> Iterator[Document]:
    """Documents from `path` in the named format; see `assay.errors.Problems` for strictness."""
    return module(format).read(path, problems)


def write(docs: Iterable[Document], path: str | Path, format: str) -> None:
    module(format).write(docs, path)


def holds(format: str) -> dict[str, bool]:
    """What the format can hold besides flat entities: relations, nested entities, groups."""
    return getattr(module(format), "HOLDS", {"relations": True, "nested": True, "groups": True})
