"""The `assay` command line: one module a verb."""
from __future__ import annotations

import typer

from assay.cli import bench, convert, evaluate, export, extract, models, package, stats, train

app = typer.Typer(help="assay: entities and relations in scientific and biomedical text.",
                  no_args_is_help=True, add_completion=False)
for verb in (extract, train, evaluate, models, export, package, convert, stats):
    app.command(verb.NAME, help=verb.run.__doc__)(verb.run)
app.add_typer(bench.app, name=bench.NAME)


def main() -> None:
    app()
