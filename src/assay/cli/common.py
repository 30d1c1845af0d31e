"""What the verbs share: format options, reading with a clear error, printing problems."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import typer
from rich.console import Console

from assay import formats
from assay.doc import Document
from assay.errors import FormatError, Problems
from assay.formats.base import only_listed
from assay.labels import NAMED_MAPS, LabelMap, parse_label_map

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # an error stays one line, never wrapped

FORMAT_HELP = (f"one of: {', '.join(formats.FORMATS)}. somd, brat and measeval span several files: "
               "give a folder, or for somd a prefix such as data/train (data/train_texts.txt ...)")
LENIENT_HELP = "skip bad records, count and report them, instead of stopping at the first"


def ids_option():
    return typer.Option(None, "--ids", help="a file of document ids, one a line (# comments): "
                        "only these documents are read (a split kept as a list, as SoMeSci's)")


def label_map_option():
    return typer.Option(None, "--label-map", help="labels renamed on reading: a named map "
                        f"({', '.join(NAMED_MAPS)}: SoMeSci's Application_Usage ... to SOMD's "
                        "Application ...), a .json or .toml file of old = new, or "
                        "old=new,old=new")


def check_format(name: str | None) -> str | None:
    if name is not None and name not in formats.FORMATS:
        raise typer.BadParameter(f"unknown format {name!r}; known: {', '.join(formats.FORMATS)}")
    return name


def read_checked(path: Path, format: str, lenient: bool) -> Iterator[Document]:
    """The documents of `path` as they are read (see `reading`)."""
    with reading(path, lenient) as problems:
        yield from formats.read(path, format, problems)


@contextmanager
def reading(path: Path, lenient: bool) -> Iterator[Problems]:
    """The Problems to read `path` with: a FormatError ends the command with its one-line
    message, and with --lenient the skipped records are reported at the end."""
    problems = Problems(strict=not lenient)
    try:
        yield problems
    except FormatError as err:
        fail(f"{err}\n(use --lenient to skip and count bad records)" if err.line else str(err))
    if problems.errors:
        errors.print(f"[yellow]{path}: {problems.summary()}[/yellow]", highlight=False)
    if problems.notes:
        shown = "".join(f"\n  {n}" for n in problems.notes[:3])
        errors.print(f"[yellow]{path}: {len(problems.notes)} annotation(s) repeat another "
                     f"exactly; kept as read (each counts in scores):{shown}[/yellow]",
                     highlight=False)


def read_all(path: Path, format: str, lenient: bool, ids: Path | None = None,
             label_map: str | None = None) -> list[Document]:
    """All documents of `path` (see `read_checked`); only those the file `ids` lists, when
    given, with labels renamed by `label_map`."""
    docs = list(read_checked(path, format, lenient))
    try:
        if ids:
            docs = only_listed(docs, ids)
        if label_map:
            docs = list(map(LabelMap(parse_label_map(label_map)), docs))
    except FormatError as err:
        fail(str(err))
    except ValueError as err:
        fail(f"--label-map: {err}")
    return docs


def fail(message: str) -> None:
    errors.print(f"[red]error:[/red] {message}", highlight=False, markup=True)
    raise typer.Exit(code=1)


def say_lost(format: str, lost: dict[str, int]) -> None:
    """What a target format could not hold (`formats.fit`), a line a kind."""
    for what, n in lost.items():
        if n:
            errors.print(f"[yellow]{format} cannot hold {what}: {n} not written[/yellow]")
