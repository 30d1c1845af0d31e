"""Training shared by every family: recipes (TOML, validated) and the Trainer."""
from assay.training.recipe import Recipe, RecipeError, load_recipe, parse_sets
from assay.training.trainer import Trainer, train

__all__ = ["Recipe", "RecipeError", "Trainer", "load_recipe", "parse_sets", "train"]
