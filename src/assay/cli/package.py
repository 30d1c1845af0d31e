"""`assay package`: release trained models into the zoo, in half precision."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from assay import metrics
from assay.cli.common import FORMAT_HELP, check_format, console, fail, read_all

NAME = "package"


def run(
    models: list[Path] = typer.Argument(..., help="trained model directories, in the order "
                                        "they run (NER, then relations)"),
    name: str = typer.Option(..., "--name", help="the name it loads by: assay.load(NAME)"),
    data: Path = typer.Option(..., "--data", help="dev documents to score it on, in float32 "
                              "and as shipped (a file, folder or prefix)"),
    format: str = typer.Option(..., "--format", "-f", help=FORMAT_HELP, callback=check_format),
    protocol: str = typer.Option(..., help=f"one of: {', '.join(metrics.PROTOCOLS)}"),
    dev_ids: Path = typer.Option(None, help="score only the documents of --data this file "
                                 "lists (one id a line)"),
    against: list[Path] = typer.Option([], "--against", help="a model directory to score on "
                                       "the same documents for comparison (repeat for a "
                                       "pipeline)"),
    zoo: Path = typer.Option(None, help="the zoo to write into (default: the package's own)"),
) -> None:
    """Put trained models into the zoo as NAME: one model, or a pipeline of them (NER, then
    relations), stored in half precision with only the parameters training changed, with the
    cards, recipes and dev scores, and shipping.json saying what half precision costs on dev.

    Example: assay package build/runs/software-lstm-crf-s13 --name software
        --data ../shared/datasets/somd2025/dev --format somd --protocol somd

    The entry is written whole or not at all: an entry NAME already there stays until the new
    one is complete, then is replaced.
    """
    from assay.packaging import package
    from assay.pipeline import ZOO
    from assay.training.data import carve

    if protocol not in metrics.PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; known: {', '.join(metrics.PROTOCOLS)}")
    docs = read_all(data, format, lenient=False)
    if dev_ids:
        docs = carve(docs, dev_ids)[1]
    dev = f"{data}" + (f" (the documents in {dev_ids})" if dev_ids else "")
    try:
        report = package(models, name, zoo or ZOO, docs, protocol, dev, against)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    console.print_json(json.dumps(report))
    console.print(f"wrote {report['shipped']}" + ("" if zoo else f": assay.load({name!r})"))
