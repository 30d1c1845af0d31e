"""`assay extract`: run a model over text or files."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Iterable, Iterator

import typer
from rich.progress import track
from rich.table import Table

from assay import formats
from assay.cli.common import FORMAT_HELP, LENIENT_HELP, console, fail, read_all, read_checked
from assay.doc import Document
from assay.errors import Problems

NAME = "extract"
TEXT = "text"


def run(
    text: str = typer.Argument(None, help="text to extract from (or give --input, or stdin)"),
    model: str = typer.Option("software", help="a shipped model's name or a model directory"),
    input: Path = typer.Option(None, "--input", "-i", help="a file or a folder of files"),
    input_format: str = typer.Option(TEXT, help=f"'{TEXT}' (plain text, one document a file) "
                                     f"or a reader's {FORMAT_HELP}"),
    output: Path = typer.Option(None, "--output", "-o", help="write the documents here"),
    output_format: str = typer.Option("jsonl", help=FORMAT_HELP),
    runtime: str = typer.Option("torch", help="torch, or onnx for a model made by assay export"),
    labels: str = typer.Option(None, help="label-prompted models (span): the entity types to "
                               "find, comma-separated, seen in training or not"),
    batch_size: int = typer.Option(None, min=1, help="sentences (or windows) a batch "
                                    "(default 32 on a CPU, 128 on a GPU)"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
) -> None:
    """Find entities and relations in text, print them as a table or write them as files.

    Example: assay extract "We used Stata 13 (StataCorp) and the lme4 package for R."

    Documents read with a reader format keep their ids and sections; their annotations are
    replaced by the predictions (this is how a shared-task submission is made). Long texts
    are split into sentences and windows, never truncated.
    """
    from assay.pipeline import load

    if input_format != TEXT and input_format not in formats.FORMATS:
        fail(f"unknown --input-format {input_format!r}; known: {TEXT}, "
             f"{', '.join(formats.FORMATS)}")
    if output_format not in formats.FORMATS:
        fail(f"unknown --output-format {output_format!r}; known: {', '.join(formats.FORMATS)}")
    docs, total = _documents(text, input, input_format, lenient)
    try:
        nlp = load(model, runtime, [t.strip() for t in labels.split(",") if t.strip()]
                   if labels else None)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    if input is not None:
        docs = track(docs, total=total, description="extracting", console=console,
                     transient=True)
    predicted = nlp.pipe(docs, batch_size=batch_size)
    if output is not None:
        written = 0

        def counted() -> Iterator[Document]:  # the writer takes them as they come
            nonlocal written
            for doc in predicted:
                written += 1
                yield doc

        formats.write(counted(), output, output_format)
        console.print(f"wrote {written} documents to {output} ({output_format})")
    else:
        for doc in predicted:
            _print(doc)


def _documents(text: str | None, input: Path | None, input_format: str,
               lenient: bool) -> tuple[Iterable[Document], int]:
    """The documents to extract from and how many there are. Plain-text files and JSON
    lines are checked first, then read again as they are needed: memory stays constant
    over any number of documents, and a bad file stops the command before any output."""
    if text is not None and input is not None:
        fail("give a TEXT or --input, not both")
    if input is not None:
        if not input.exists() and input_format != "somd":
            fail(f"{input}: no such file or folder")
        if input_format == TEXT:
            files = sorted(p for p in input.rglob("*") if p.is_file()) if input.is_dir() else [input]
            for path in files:
                _read(path)
            return (Document(id=p.stem, text=_read(p)) for p in files), len(files)
        if input_format == "jsonl" and input.is_file():
            total = sum(1 for _ in read_checked(input, "jsonl", lenient))
            # the second pass skips, unreported, the bad lines the first one reported
            return formats.read(input, "jsonl", Problems(strict=False)), total
        docs = read_all(input, input_format, lenient)
        return docs, len(docs)
    if text is None:
        if sys.stdin.isatty():
            fail("give a TEXT, --input PATH, or text on standard input")
        text = sys.stdin.read()
    return [Document(id="text-1", text=text)], 1


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        fail(f"{path}: not UTF-8 text (byte {err.start}); convert it or give --input-format")


def _print(doc: Document) -> None:
    entities = Table(title=f"{doc.id}: {len(doc.entities)} entities", title_justify="left")
    for column in ("id", "text", "label", "start", "end", "score"):
        entities.add_column(column, justify="right" if column in ("start", "end", "score") else "left")
    for e in doc.entities:
        entities.add_row(e.id, doc.text[e.start:e.end], e.label, str(e.start), str(e.end),
                         f"{e.score:.2f}" if e.score is not None else "")
    console.print(entities)
    if doc.relations:
        by_id = doc.entity_by_id()
        relations = Table(title=f"{doc.id}: {len(doc.relations)} relations", title_justify="left")
        for column in ("head", "relation", "tail", "score"):
            relations.add_column(column, justify="right" if column == "score" else "left")
        for r in doc.relations:
            relations.add_row(doc.mention_text(by_id[r.head]), r.label,
                              doc.mention_text(by_id[r.tail]),
                              f"{r.score:.2f}" if r.score is not None else "")
        console.print(relations)
