"""The versions of the packages a peer ran with, as its own environment has them: what the
peer's record keeps (bench/records.py), since the peers pin other versions than assay."""
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
