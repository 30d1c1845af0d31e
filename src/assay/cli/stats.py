"""`assay stats`: what a corpus holds."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from assay.cli.common import (FORMAT_HELP, LENIENT_HELP, check_format, console, ids_option,
                              label_map_option, read_all)
from assay.stats import corpus_stats

NAME = "stats"


def run(
    path: Path = typer.Argument(..., help="file, folder or prefix to read"),
    format: str = typer.Option(..., "--format", "-f", help=FORMAT_HELP, callback=check_format),
    as_json: bool = typer.Option(False, "--json", help="print JSON instead of tables"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
    ids: Path = ids_option(),
    label_map: str = label_map_option(),
) -> None:
    """Count documents, sentences, entities and relations by label, nesting, overlap and lengths.

    Example: assay stats ../shared/datasets/somd2025/train --format somd
    """
    stats = corpus_stats(read_all(path, format, lenient, ids, label_map))
    if as_json:
        console.print_json(json.dumps(stats))
        return
    summary = Table(title=f"{path} ({format})", show_header=False)
    for key in ("documents", "sentences", "entities", "relations", "mention_groups",
                "nested_entities", "overlapping_entities", "discontinuous_entities"):
        summary.add_row(key.replace("_", " "), str(stats[key]))
    lengths = stats["characters_per_document"]
    summary.add_row("characters per document",
                    " / ".join(f"{k} {v}" for k, v in lengths.items()))
    console.print(summary)
    for key in ("entities_by_label", "relations_by_label"):
        if stats[key]:
            table = Table(key.replace("_", " "))
            table.add_column("count", justify="right")
            for label, n in stats[key].items():
                table.add_row(label, str(n))
            console.print(table)
