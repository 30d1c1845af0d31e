"""Training recipes: TOML files with `[data]`, `[model]` and `[train]` tables, validated with
errors that name the key. Relative paths are read from the directory the command runs in."""
from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, field_validator,
                      model_validator)

from assay import formats
from assay.errors import RecipeError
from assay.labels import parse_label_map
from assay.metrics import PROTOCOLS
from assay.models.registry import family


def known_format(value: str | None) -> str | None:
    if value is not None and value not in formats.FORMATS:
        raise ValueError(f"unknown format {value!r}; known: {', '.join(formats.FORMATS)}")
    return value


def one_or_more(value):
    """A list of paths, from one path or several."""
    return [value] if isinstance(value, str) else value


class SourceConfig(BaseModel):
    """One dataset of a Mix (`[[data.sources]]`): its files, how its labels map into the
    model's, which labels it annotates, and how often its examples are seen."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description="what scores and counts call it (default: "
                             "source1, source2, ...); dev documents get it as meta.dataset")
    format: str
    train: list[str] = Field(min_length=1, description="files or folders, read and joined")
    dev: list[str] = Field([], description="its dev files, joined to the others' for selection")
    train_ids: str | None = Field(None, description="a file of document ids (one a line, # "
                                  "comments): only these of `train` are read (a split kept "
                                  "as a list, as SoMeSci's)")
    dev_ids: str | None = Field(None, description="the same for `dev`")
    label_map: dict[str, str] | str = Field({}, description="labels renamed on reading, entity "
                                            "and relation labels alike, e.g. "
                                            "{Application_Usage = \"Application\"}; or a named "
                                            "map (\"somesci\"), or a .json or .toml file of them")
    label_prefix: str = Field("", description="put before every label after the map")
    labels: list[str] | None = Field(None, description="the entity types it annotates (after "
                                     "the map, before the prefix); entities of other types "
                                     "are left out and counted. Default: every type it holds")
    relations: list[str] | None = Field(None, description="the relation types it annotates "
                                        "(after the map, before the prefix); relations of "
                                        "other types are left out and counted. Default: every "
                                        "type it holds")
    weight: float = Field(1.0, gt=0, description="how many times an epoch each of its "
                          "examples is seen, on average (0.5: a random half each epoch)")
    empty_weight: float = Field(1.0, ge=0, description="how often, relative to its other "
                                "examples, an example holding no entity is seen (a paper's "
                                "sentences that mention nothing): 0.2 trains on a random "
                                "fifth of them each epoch, 0 on none")
    part: str | None = Field(None, description="\"k/n\": only the k-th of n parts of its "
                             "training documents, drawn at random with a fixed seed (0), so "
                             "that \"1/2\" and \"2/2\" of two files of the same documents in "
                             "the same order are complementary halves")
    lenient: bool = False

    @field_validator("part")
    @classmethod
    def _k_of_n(cls, value):
        k, _, n = (value or "1/1").partition("/")
        if not (k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n)):
            raise ValueError(f"give k/n with 1 <= k <= n, e.g. \"1/2\"; not {value!r}")
        return value

    @field_validator("format")
    @classmethod
    def _known_format(cls, value):
        return known_format(value)

    @field_validator("label_map")
    @classmethod
    def _readable_map(cls, value):
        parse_label_map(value)
        return value

    @field_validator("train", "dev", mode="before")
    @classmethod
    def _one_or_more(cls, value):
        return one_or_more(value)


class DataConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: str | None = Field(None, description="the format of `train` and `dev`")
    train: list[str] = Field([], description="files or folders, read and joined (one source; "
                             "`sources` for several)")
    sources: list[SourceConfig] = Field([], description="instead of `train`: several datasets "
                                        "trained on together (a Mix)")
    sampling: Literal["weights", "inverse"] = Field(
        "weights", description="weights: each source's examples `weight` times an epoch; "
        "inverse: as SRU-NER, sampling inverse to dataset size: an epoch is the mean source "
        "size in all, each source giving an equal share of it (times its weight)")
    unannotated: Literal["unknown", "negative"] = Field(
        "unknown", description="a type a source does not annotate, in its documents: unknown "
        "(no loss either way: the Mix's point) or negative (every source taken to annotate "
        "every type, as plain concatenation does; for comparison)")
    drop_dev_sentences: bool = Field(False, description="leave out of training every "
                                     "example whose text is that of a dev sentence (or "
                                     "inside one, or holding one), compared on letters and "
                                     "digits; for corpora cut from one another (SOMD from "
                                     "SoMeSci). The count is said and kept in "
                                     "training_data.json")
    dev: str | None = Field(None, description="for selection (read with `format`); without "
                            "it or the sources' own, the last epoch wins")
    dev_ids: str | None = Field(None, description="instead of `dev`: a file of document ids (one "
                                "a line, # comments) taken out of the training data to select on")
    protocol: str = "strict"
    lenient: bool = False

    @field_validator("format")
    @classmethod
    def _known_format(cls, value):
        return known_format(value)

    @field_validator("train", mode="before")
    @classmethod
    def _one_or_more(cls, value):
        return one_or_more(value)

    @model_validator(mode="after")
    def _consistent(self):
        if self.dev and self.dev_ids:
            raise ValueError("give dev or dev_ids, not both")
        if bool(self.train) == bool(self.sources):
            raise ValueError("give train (one source) or [[data.sources]], one of them")
        if (self.train or self.dev) and not self.format:
            raise ValueError("give format: the format of train and dev")
        if self.sources and self.dev_ids and any(s.dev for s in self.sources):
            raise ValueError("give the sources' dev or dev_ids, not both")
        names = [s.name for s in self.sources if s.name]
        if len(names) != len(set(names)):
            raise ValueError(f"sources: two are named {sorted(n for n in names if names.count(n) > 1)[0]!r}")
        return self

    @field_validator("protocol")
    @classmethod
    def _known_protocol(cls, value):
        if value not in PROTOCOLS:
            raise ValueError(f"unknown protocol {value!r}; known: {', '.join(PROTOCOLS)}")
        return value

    def all_sources(self) -> list[SourceConfig]:
        """The sources: `[[data.sources]]`, or the one that `format` and `train` make."""
        if self.sources:
            return [s if s.name else s.model_copy(update={"name": f"source{k}"})
                    for k, s in enumerate(self.sources, 1)]
        return [SourceConfig(name="data", format=self.format, train=self.train,
                             lenient=self.lenient)]


class TrainConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    output: str = Field(description="the model directory to write")
    epochs: int = Field(20, ge=0, description="0: no training; the model as created (an LLM "
                        "asked zero- or few-shot) is scored on dev once and saved")
    batch_size: int = Field(8, ge=1)
    lr_encoder: float = Field(3e-5, gt=0)
    lr_head: float = Field(1e-3, gt=0)
    weight_decay: float = Field(0.01, ge=0)
    warmup: float = Field(0.1, ge=0, lt=1, description="fraction of all steps")
    clip: float = Field(1.0, gt=0, description="gradient norm clipping")
    patience: int = Field(5, ge=1, description="epochs without a better dev metric before stopping")
    metric: str = Field("entities_strict.micro_f1", description="dev score to select on: "
                        "`score.field` of the protocol's JSON, e.g. total.macro_f1")
    ema: float = Field(0.0, ge=0, lt=1, description="decay of an exponential moving average of "
                       "the trained weights, which dev scoring and the saved model use; 0: off")
    seed: int = 13
    eval_batch_size: int = Field(64, ge=1)
    save_dtype: Literal["float32", "float16", "bfloat16"] = "float32"
    max_docs: int | None = Field(None, ge=1, description="train on the first N documents of each "
                                    "source only")


class Recipe(BaseModel):
    model_config = ConfigDict(extra="forbid")

    data: DataConfig
    model: dict
    train: TrainConfig

    def model_config_object(self) -> BaseModel:
        return family(self.model.get("family", "")).config(**self.model)


def parse_sets(items: list[str]) -> dict[str, object]:
    """`--set key=value` items as overrides for `load_recipe`: a value is read as JSON
    (numbers, true, lists) or else kept as a string. `key+=[...]` appends to the list at key
    (a further source: `data.sources+=[{"name": ..., ...}]`)."""
    overrides: dict[str, object] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if key.endswith("+"):  # `data.sources +=` as `data.sources+=`
            key = key[:-1].rstrip() + "+"
        if not sep:
            raise RecipeError(f"--set {item!r}: give key=value, e.g. train.seed=7")
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            if key.endswith("+"):
                raise RecipeError(f"--set {item!r}: not a JSON list after +=") from None
        if key.endswith("+") and key in overrides:  # appended twice: both
            value = overrides[key] + value if isinstance(value, list) else value
        overrides[key] = value
    return overrides


def load_recipe(path: str | Path, overrides: dict[str, object] | None = None) -> Recipe:
    """The validated recipe at `path`; `overrides` maps dotted keys (`train.seed`,
    `data.sources.somesci.empty_weight`) to values; a key ending in `+` (`data.sources+`)
    appends its list's items to the list there."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RecipeError(f"{path}: no such recipe") from None
    except tomllib.TOMLDecodeError as err:
        raise RecipeError(f"{path}: not valid TOML: {err}") from None
    for key, value in (overrides or {}).items():
        *within, name = key.removesuffix("+").split(".")
        node = data
        for step in within:  # a table by name; a source of data.sources by its name
            if isinstance(node, list):
                node = next((x for x in node if isinstance(x, dict) and x.get("name") == step),
                            None)
            else:
                node = node.get(step) if isinstance(node, dict) else None
        if not within or not isinstance(node, dict):
            raise RecipeError(f"{path}: cannot override {key!r}: give table.key, e.g. "
                              "train.seed, or data.sources.NAME.key for a named source")
        if key.endswith("+"):
            if not isinstance(node.get(name, []), list) or not isinstance(value, list):
                raise RecipeError(f"{path}: cannot append to {key[:-1]!r}: give a JSON list "
                                  "to append to a list, e.g. data.sources+=[{...}]")
            value = node.get(name, []) + value
        node[name] = value
    try:
        recipe = Recipe(**data)
        recipe.model_config_object()
    except ValidationError as err:
        prefix = "model." if "model" in data and err.title != "Recipe" else ""
        raise RecipeError(f"{path}: " + "; ".join(
            f"{prefix}{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in err.errors())) from None
    except ValueError as err:
        raise RecipeError(f"{path}: model.family: {err}") from None
    return recipe
