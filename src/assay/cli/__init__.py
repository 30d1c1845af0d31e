"""The `assay` command line: one module a verb, each run behind one error path."""
from __future__ import annotations

import functools
import os
from typing import Callable

import typer

from assay.cli import (augment, bench, convert, evaluate, export, extract, models, package,
                       serve, stats, train)
from assay.cli.common import errors, fail
from assay.errors import BackendError, FormatError, RecipeError

app = typer.Typer(help="assay: entities and relations in scientific and biomedical text.",
                  no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
DEBUG = {"on": False}


@app.callback()
def options(debug: bool = typer.Option(False, "--debug", help="show the traceback of an "
                                       "unexpected error (also ASSAY_DEBUG=1)")) -> None:
    DEBUG["on"] = debug or bool(os.environ.get("ASSAY_DEBUG"))


def guarded(run: Callable) -> Callable:
    """`run`, with an unexpected exception turned into one line and exit code 1 (the
    traceback with --debug); Ctrl-C ends with exit code 130 and one line."""

    @functools.wraps(run)
    def verb(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except (FormatError, RecipeError, BackendError) as err:  # its message says what is wrong
            if DEBUG["on"]:
                raise
            fail(str(err))
        except KeyboardInterrupt:
            errors.print("[red]interrupted[/red]")
            raise typer.Exit(code=130) from None
        except Exception as err:
            if DEBUG["on"]:
                raise
            errors.print(f"[red]error:[/red] {describe(err)}\n(unexpected: run again with "
                         "--debug, as `assay --debug ...`, for the traceback, and report it "
                         "if the input looks right)", highlight=False, markup=True)
            raise typer.Exit(code=1) from None

    return verb


def describe(err: Exception) -> str:
    if isinstance(err, OSError) and err.filename:
        return f"{err.filename}: {err.strerror or err}"
    return f"{err} ({type(err).__name__})" if str(err) else type(err).__name__


for verb in (extract, train, evaluate, models, export, package, convert, stats, augment, serve):
    app.command(verb.NAME, help=verb.run.__doc__)(guarded(verb.run))
app.add_typer(bench.app, name=bench.NAME)


def main() -> None:
    app()
