"""`assay package`: release trained models into the zoo, in half precision."""
from __future__ import annotations

import json
from pathlib import Path

import typer

from assay import metrics
from assay.cli.common import FORMAT_HELP, check_format, console, fail, read_all

NAME = "package"


def trained_recipe(model: Path):
    """The resolved recipe a model directory was trained by (its recipe.json)."""
    from assay.training.recipe import Recipe

    path = model / "recipe.json"
    if not path.exists():
        fail(f"{model}: no recipe.json (not a training run's directory); give --data, "
             "--format and --protocol")
    return Recipe.model_validate_json(path.read_text(encoding="utf-8"))


def run(
    models: list[Path] = typer.Argument(..., help="trained model directories, in the order "
                                        "they run (NER, then relations)"),
    name: str = typer.Option(..., "--name", help="the name it loads by: assay.load(NAME)"),
    data: Path = typer.Option(None, "--data", help="dev documents to score it on, in float32 "
                              "and as shipped (a file, folder or prefix; default: the dev data "
                              "of the last model's recipe)"),
    format: str = typer.Option(None, "--format", "-f", help=FORMAT_HELP, callback=check_format),
    protocol: str = typer.Option(None, help=f"one of: {', '.join(metrics.PROTOCOLS)} "
                                 "(default: the last model's recipe's)"),
    dev_ids: Path = typer.Option(None, "--ids", "--dev-ids", help="score only the documents "
                                 "of --data this file lists (one id a line)"),
    against: list[Path] = typer.Option([], "--against", help="a model directory to score on "
                                       "the same documents for comparison (repeat for a "
                                       "pipeline)"),
    zoo: Path = typer.Option(None, help="the zoo to write into (default: the package's own)"),
) -> None:
    """Put trained models into the zoo as NAME: one model, or a pipeline of them (NER, then
    relations), stored in half precision with only the parameters training changed, with the
    cards, recipes and dev scores, and shipping.json saying what half precision costs on dev.

    Example: assay package build/runs/software-lstm-crf-s13 --name software
    (scored on the dev data its recipe names; --data, --format, --protocol to choose others)

    The entry is written whole or not at all: an entry NAME already there stays until the new
    one is complete, then is replaced.
    """
    from assay.packaging import package
    from assay.pipeline import ZOO
    from assay.training.data import read_sources

    recipe = trained_recipe(models[-1]) if data is None or protocol is None else None
    protocol = protocol or recipe.data.protocol
    if protocol not in metrics.PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; known: {', '.join(metrics.PROTOCOLS)}")
    if data is None:
        docs = read_sources(recipe.data)[1]
        if not docs:
            fail(f"{models[-1]}: its recipe names no dev data; give --data and --format")
        dev = f"the dev data of {models[-1] / 'recipe.json'}"
    else:
        if format is None:
            fail("--data needs --format")
        docs = read_all(data, format, lenient=False, ids=dev_ids)
        dev = f"{data}" + (f" (the documents in {dev_ids})" if dev_ids else "")
    try:
        report = package(models, name, zoo or ZOO, docs, protocol, dev, against)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    console.print_json(json.dumps(report))
    console.print(f"wrote {report['shipped']}" + ("" if zoo else f": assay.load({name!r})"))
