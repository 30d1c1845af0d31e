"""Model families by name, and loading a model directory whatever its family.

A family registers itself by decorating its extractor class:

    @register(MyConfig, produces="entities", takes_labels=True)
    class MyExtractor(TorchExtractor): ...

Its name is written once, as the default of its config's `family` field. Every package under
`assay/models/` is imported on the first lookup, so a new family needs no line elsewhere;
families from other distributions register through the `assay.families` entry point group
(each entry point names a module to import).
"""
from __future__ import annotations

import importlib
import pkgutil
from importlib.metadata import entry_points
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

from assay.models.contract import (Extractor, Family, LabelPrompted, OnnxExportable, Produces,
                                   ShowsPrompts)

_FAMILIES: dict[str, Family] = {}
_discovered = False


def register(config: type[BaseModel], produces: Produces, takes_labels: bool = False,
             onnx: bool = False, prompts: bool = False) -> Callable[[type], type]:
    """A class decorator that registers an extractor class as the family its config names."""

    def decorate(extractor: type) -> type:
        name = config.model_fields["family"].default
        if not isinstance(name, str) or not name:
            raise TypeError(f"{config.__name__}.family must default to the family's name")
        if name in _FAMILIES and _FAMILIES[name].extractor is not extractor:
            raise ValueError(f"two families are named {name!r}")
        for wanted, protocol in ((takes_labels, LabelPrompted), (onnx, OnnxExportable),
                                 (prompts, ShowsPrompts)):
            if wanted and not issubclass(extractor, protocol):
                raise TypeError(f"{extractor.__name__} declares {protocol.__name__} but does "
                                "not implement it")
        spec = Family(name, config, extractor, produces, takes_labels, onnx, prompts)
        extractor.family = spec
        _FAMILIES[name] = spec
        return extractor

    return decorate


def _discover() -> None:
    """Import every family package of assay, then those other distributions declare."""
    global _discovered
    if _discovered:
        return
    import assay.models

    for module in pkgutil.iter_modules(assay.models.__path__):
        if module.ispkg:
            importlib.import_module(f"assay.models.{module.name}")
    for entry in entry_points(group="assay.families"):
        importlib.import_module(entry.module)
    _discovered = True  # only once every import has succeeded


def families() -> dict[str, Family]:
    """Every registered family by name."""
    _discover()
    return dict(_FAMILIES)


def family(name: str) -> Family:
    known = families()
    if name not in known:
        raise ValueError(f"unknown model family {name!r}; known: {', '.join(sorted(known))}")
    return known[name]


def load_model(path: str | Path) -> Extractor:
    """The extractor saved in a model directory."""
    from assay.models.base import read_dir

    config, _, _ = read_dir(Path(path))
    return family(config["family"]).extractor.load(path)
