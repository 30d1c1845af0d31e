"""What `GET /models` says of a served model: what it finds, its labels, its dev scores."""
from __future__ import annotations

import json
from pathlib import Path

from assay.pipeline import Pipeline


def model_info(name: str, nlp: Pipeline, folder: Path | None) -> dict:
    """A JSON-ready description of one served model; `folder` (its directory) adds the dev
    scores of its `metrics.json`: micro F1 by score, and the protocol they were measured by."""
    families = [e.family for e in nlp.extractors]
    entity_labels = next((list(e.schema.entity_labels) for e in nlp.extractors
                          if e.family.finds_entities), [])
    info = {"name": name,
            "steps": [f.name for f in families],
            "finds": " → ".join(f.finds for f in families),
            "entity_labels": entity_labels,
            "relation_labels": list(nlp.schema.relation_labels),
            "takes_labels": any(f.takes_labels for f in families),
            "protocol": None, "scores": {}}
    metrics = folder / "metrics.json" if folder is not None else None
    if metrics is not None and metrics.exists():
        measured = json.loads(metrics.read_text())
        info["protocol"] = measured.get("protocol")
        info["scores"] = {k: round(v["micro_f1"], 4) for k, v in measured.get("dev", {}).items()
                          if isinstance(v, dict) and "micro_f1" in v}
    return info
