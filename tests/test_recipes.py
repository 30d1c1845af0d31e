"""Every recipe in configs/ validates, and so does every training run bench/experiments.toml
declares, with its --sets parsed as `assay train --set` parses them."""
from pathlib import Path

import pytest

from assay.training import load_recipe, parse_sets
from bench.records import experiments

ROOT = Path(__file__).resolve().parents[1]
RECIPES = sorted((ROOT / "configs").glob("*.toml"))
RUNS = {name: e for name, e in experiments().items() if e.kind == "run"}


@pytest.mark.parametrize("recipe", RECIPES, ids=[p.name for p in RECIPES])
def test_a_shipped_recipe_validates(recipe):
    load_recipe(recipe)  # raises RecipeError naming the key


@pytest.mark.parametrize("name", sorted(RUNS))
def test_a_declared_run_validates_with_its_sets(name):
    run = RUNS[name]
    recipe = load_recipe(ROOT / run.recipe, parse_sets([f"train.seed={run.seeds[0]}", *run.set]))
    assert recipe.train.seed == run.seeds[0]
    lists = [recipe.data.dev_ids,
             *(x for s in recipe.data.sources for x in (s.train_ids, s.dev_ids))]
    for ids in filter(None, lists):  # the id lists a run carves by are the project's own files
        assert (ROOT / ids).is_file(), f"{name}: {ids} is not in the repository"
