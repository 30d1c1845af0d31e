"""`assay models`: the models shipped inside the package."""
from __future__ import annotations

import json

from rich.table import Table

from assay.cli.common import console

NAME = "models"


def run() -> None:
    """List the models shipped inside the package, with what they find and their dev scores.

    Example: assay models    (then: assay extract --model NAME "some text")
    """
    from assay.pipeline import ZOO, shipped_models
    from assay.schema import Schema

    table = Table(title="shipped models (assay.load(NAME), assay extract --model NAME)")
    for column in ("name", "family", "entity labels", "relation labels", "dev scores (micro F1)"):
        table.add_column(column)
    for name in shipped_models():
        folder = ZOO / name
        config = json.loads((folder / "config.json").read_text())["model"]
        schema = Schema.load(folder / "schema.json")
        scores = json.loads((folder / "metrics.json").read_text()) \
            if (folder / "metrics.json").exists() else {"dev": {}}
        table.add_row(name, f"{config['family']} ({config.get('encoder', '')})",
                      str(len(schema.entity_labels)), str(len(schema.relation_labels)),
                      ", ".join(f"{k} {v['micro_f1']:.3f}" for k, v in scores["dev"].items()))
    console.print(table)
