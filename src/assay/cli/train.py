"""`assay train`: train a model from a recipe."""
from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.common import console, fail

NAME = "train"


def run(
    recipe: Path = typer.Argument(..., help="a TOML recipe, e.g. configs/somd-joint.toml"),
    resume: bool = typer.Option(False, help="go on from the output's last checkpoint"),
    set_: list[str] = typer.Option([], "--set", help="override a recipe key: "
                                   "--set train.seed=7 --set model.training=disjoint; "
                                   "KEY+=[...] appends to a list (data.sources+=[{...}])"),
) -> None:
    """Train a model as a recipe says, selecting on dev, and save it to the recipe's
    train.output.

    Example: assay train configs/somd-joint.toml --set train.seed=7

    After every epoch the output holds the best model so far, its dev scores, a model card,
    log.jsonl and a checkpoint; after an interruption, the same command with --resume goes on
    from the last epoch completed.
    """
    from assay.training import RecipeError, load_recipe, parse_sets, train
    from transformers.utils import logging

    logging.set_verbosity_error()
    try:
        scores = train(load_recipe(recipe, parse_sets(set_)), resume=resume)
    except (RecipeError, FileNotFoundError) as err:
        fail(str(err))
    console.print(f"best epoch {scores['epoch']}: " + ", ".join(
        f"{k} {v['micro_f1']:.4f} micro / {v['macro_f1']:.4f} macro"
        for k, v in scores["dev"].items()))
