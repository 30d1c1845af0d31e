"""`assay convert`: read one format, write another."""
from __future__ import annotations

from pathlib import Path

import typer

from assay import formats
from assay.cli.common import (FORMAT_HELP, LENIENT_HELP, check_format, console, fail,
                              ids_option, label_map_option, read_all, say_lost)
from assay.errors import FormatError
from assay.formats.fit import fit

NAME = "convert"


def run(
    source: Path = typer.Argument(..., help="input file, folder or prefix"),
    target: Path = typer.Argument(..., help="output file, folder or prefix"),
    from_format: str = typer.Option(..., "--from", help=FORMAT_HELP, callback=check_format),
    to_format: str = typer.Option(..., "--to", help=FORMAT_HELP, callback=check_format),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
    ids: Path = ids_option(),
    label_map: str = label_map_option(),
) -> None:
    """Convert annotated documents between formats.

    Example: assay convert --from dygie --to jsonl scierc/dev.json dev.jsonl

    What the target format has no place for (relations in CoNLL) is left out and counted.
    What it could hold only by breaking (nested entities in IOB2, two documents of one id in
    a format keyed by id) stops the conversion, or with --lenient is left out and counted.
    The target is replaced only when it is completely written.
    """
    docs = read_all(source, from_format, lenient, ids, label_map)
    try:
        docs, lost = fit(docs, to_format, lenient)
        formats.write(docs, target, to_format)
    except FormatError as err:
        fail(f"{err}\n(nothing was written; jsonl holds everything)")
    say_lost(to_format, lost)
    console.print(f"wrote {len(docs)} documents to {target} ({to_format})")
