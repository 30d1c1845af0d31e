"""`assay models`: the models shipped inside the package."""
from __future__ import annotations

import json

from rich.table import Table

from assay.cli.common import console

NAME = "models"


def run() -> None:
    """List the models shipped inside the package, with what they find and their dev scores,
    and the model families a recipe can train.

    Example: assay models    (then: assay extract --model NAME "some text")
    """
    from assay.models.registry import families, family
    from assay.pipeline import ZOO, model_dirs, shipped_models
    from assay.schema import Schema

    table = Table(title="shipped models (assay.load(NAME), assay extract --model NAME)")
    for column in ("name", "family", "finds", "entity labels", "relation labels",
                   "dev scores (micro F1)"):
        table.add_column(column)
    for name in shipped_models():
        folder = ZOO / name
        steps = model_dirs(folder)
        configs = [json.loads((step / "config.json").read_text())["model"] for step in steps]
        schemas = [Schema.load(step / "schema.json") for step in steps]
        scores = json.loads((folder / "metrics.json").read_text()) \
            if (folder / "metrics.json").exists() else {"dev": {}}
        names = " → ".join(f"{c['family']} ({c.get('encoder') or c.get('model', '')})"
                           for c in configs)
        finds = " → ".join(family(c["family"]).finds for c in configs)
        table.add_row(name, names, finds, str(len(schemas[0].entity_labels)),
                      str(len(schemas[-1].relation_labels)),
                      ", ".join(f"{k} {v['micro_f1']:.3f}" for k, v in scores["dev"].items()))
    console.print(table)
    known = Table(title="model families (\\[model] family = NAME in a recipe)")
    for column in ("family", "finds", "labels at inference", "ONNX"):
        known.add_column(column)
    for name, spec in sorted(families().items()):
        known.add_row(name, spec.finds, "yes" if spec.takes_labels else "no",
                      "yes" if spec.onnx else "no")
    console.print(known)

