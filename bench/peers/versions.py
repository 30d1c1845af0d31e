"""What a peer reports, shared by the peer scripts: the versions of the packages it ran with, as
its own environment has them (the record keeps them: the peers pin other versions than
assay), and the speed of each file it predicted."""
from __future__ import annotations

import platform
from importlib import metadata


def installed(*names: str) -> dict[str, str | None]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {"python": platform.python_version(), **{name: version(name) for name in names}}


def speed(sentences: int, seconds: float) -> dict:
    return {"sentences": sentences, "predict_seconds": round(seconds, 2),
            "sentences_per_s": round(sentences / seconds, 1) if seconds else None}


def first_speed(predicted: dict[str, dict]) -> dict:
    """The first predicted file's speed, at the top of the report (where records of one
    predicted file have always kept it)."""
    first = next(iter(predicted.values()), {})
    return {k: first[k] for k in ("predict_seconds", "sentences_per_s") if k in first}
