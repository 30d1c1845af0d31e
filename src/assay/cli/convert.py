"""`assay convert`: read one format, write another."""
from __future__ import annotations

from pathlib import Path

import typer

from assay import formats
from assay.cli.common import FORMAT_HELP, LENIENT_HELP, check_format, console, errors, fail, read_all
from assay.errors import FormatError

NAME = "convert"


def run(
    source: Path = typer.Argument(..., help="input file, folder or prefix"),
    target: Path = typer.Argument(..., help="output file, folder or prefix"),
    from_format: str = typer.Option(..., "--from", help=FORMAT_HELP, callback=check_format),
    to_format: str = typer.Option(..., "--to", help=FORMAT_HELP, callback=check_format),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
) -> None:
    """Convert annotated documents between formats.

    Example: assay convert --from dygie --to jsonl scierc/dev.json dev.jsonl

    What the target format cannot hold (relations in CoNLL, nested entities in IOB2) is
    named, never dropped without a word.
    """
    docs = read_all(source, from_format, lenient)
    holds = formats.holds(to_format)
    lost = {"mention groups": 0, "relations between mention groups": 0, "relations": 0}
    if not holds["groups"]:
        for doc in docs:
            groups = {g.id for g in doc.groups}
            kept = [r for r in doc.relations if r.head not in groups and r.tail not in groups]
            lost["mention groups"] += len(groups)
            lost["relations between mention groups"] += len(doc.relations) - len(kept)
            doc.groups, doc.relations = [], kept
    if not holds["relations"]:  # counted after the group relations, so none counts twice
        lost["relations"] = sum(len(d.relations) for d in docs)
    try:
        formats.write(docs, target, to_format)
    except FormatError as err:
        fail(f"{err}\n({to_format} cannot hold this; jsonl or brat hold everything)")
    for what, n in lost.items():
        if n:
            errors.print(f"[yellow]{to_format} cannot hold {what}: {n} not written[/yellow]")
    console.print(f"wrote {len(docs)} documents to {target} ({to_format})")
