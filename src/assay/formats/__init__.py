"""Readers and writers, one module a format, each with `read(path, problems)` and
`write(docs, path)`. Use them by name through `read` and `write` below."""
from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Iterable, Iterator

from assay.doc import Document
from assay.errors import FormatError, Problems
from assay.formats import (base, brat, conll, dygie, genia, gutbrainie, jsonl, measeval, pubtator,
                           somd, spert)

FORMATS: dict[str, ModuleType] = {
    "jsonl": jsonl, "conll": conll, "somd": somd, "dygie": dygie, "spert": spert,
    "gutbrainie": gutbrainie, "pubtator": pubtator, "brat": brat, "genia": genia,
    "measeval": measeval,
}
# Formats whose data spans several files: the path is a folder or a file prefix.
MULTI_FILE = {"somd": "a folder with texts.txt, entities.txt, relations.txt, or a prefix such as "
                      "data/train for data/train_texts.txt ...",
              "brat": "a folder of NAME.txt + NAME.ann pairs, or one .ann/.txt file",
              "measeval": "a split folder holding text/ (or txt/) and tsv/"}


#: formats whose documents keep their ids when written and read back (`extract --resume`)
KEEP_IDS = ("jsonl", "dygie", "gutbrainie", "pubtator", "brat", "measeval")


def module(name: str) -> ModuleType:
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(FORMATS)}") from None


def read(path: str | Path, format: str, problems: Problems | None = None) -> Iterator[Document]:
    """Documents from `path` in the named format; see `assay.errors.Problems` for strictness.
    A file that is empty, or holds no document, is a FormatError in every format."""
    reader = module(format).read
    if _blank(Path(path)):
        raise FormatError("is empty: no documents to read", path)
    return _not_empty(reader(path, problems), path)


def _blank(path: Path) -> bool:
    return path.is_file() and path.stat().st_size < 1024 and not path.read_bytes().strip()


def _not_empty(docs: Iterator[Document], path: str | Path) -> Iterator[Document]:
    read = 0
    for doc in docs:
        read += 1
        yield doc
    if not read:
        raise FormatError("holds no documents", path)


def write(docs: Iterable[Document], path: str | Path, format: str) -> None:
    module(format).write(docs, path)


def move(source: str | Path, target: str | Path, format: str) -> None:
    """What a write to `source` made, put where a write to `target` would have put it (a
    finished `OUTPUT.partial` becoming `OUTPUT`)."""
    pairs = list(zip(_made(source, format), _made(target, format)))
    for old, new in pairs:  # checked first: a finished output is never removed for a bad target
        if new.is_dir() and not old.is_dir():
            raise FormatError(f"is a folder; give a file name to write ({old} is kept)", new)
    for old, new in pairs:
        if old.is_dir():
            with base.filled(new) as staging:
                for path in old.iterdir():
                    path.rename(staging / path.name)
            old.rmdir()
        else:
            with base.replaced(new) as temp:
                old.rename(temp)


def exists(path: str | Path, format: str) -> bool:
    """Whether a write to `path` in `format` made anything there."""
    return any(p.exists() for p in _made(path, format))


def remove(path: str | Path, format: str) -> None:
    """Whatever a write to `path` in `format` made."""
    for made in _made(path, format):
        base.remove(made)


def _made(path: str | Path, format: str) -> list[Path]:
    """The files (or folder) a write to `path` in `format` makes: SOMD's three, else `path`."""
    return list(somd.paths(path).values()) if format == "somd" else [Path(path)]


def holds(format: str) -> dict[str, bool]:
    """What the format can hold besides flat entities: relations, nested entities, groups."""
    return getattr(module(format), "HOLDS", {"relations": True, "nested": True, "groups": True})
