"""Model families by name, and loading a model directory whatever its family."""
from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


def families() -> dict[str, tuple[type[BaseModel], type]]:
    """family name -> (its config class, its extractor class)."""
    from assay.models.docre import DocREConfig, DocREExtractor
    from assay.models.joint import JointConfig, JointExtractor
    from assay.models.span import SpanConfig, SpanExtractor

    return {"joint": (JointConfig, JointExtractor), "span": (SpanConfig, SpanExtractor),
            "docre": (DocREConfig, DocREExtractor)}


def family(name: str) -> tuple[type[BaseModel], type]:
    known = families()
    if name not in known:
        raise ValueError(f"unknown model family {name!r}; known: {', '.join(known)}")
    return known[name]


def load_model(path: str | Path):
    """The extractor saved in a model directory."""
    from assay.models.base import read_dir

    config, _, _ = read_dir(Path(path))
    return family(config["family"])[1].load(path)
