"""`assay export`: a model directory with ONNX graphs, for ONNX Runtime."""
from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.common import console, fail

NAME = "export"


def run(
    model: str = typer.Argument(..., help="a shipped model's name or a model directory"),
    output: Path = typer.Argument(..., help="the model directory to write"),
    onnx: bool = typer.Option(False, "--onnx", help="write ONNX graphs (the one export so far)"),
    int8: bool = typer.Option(False, help="quantise the encoder's weights to int8 (dynamic)"),
) -> None:
    """Copy a model to OUTPUT with ONNX graphs of its network, optionally int8-quantised; then
    run it with --runtime onnx.

    Example: assay export --onnx --int8 software build/software-onnx
    then:    assay extract --model build/software-onnx --runtime onnx "We used SPSS 25."
    """
    from assay.models.registry import load_model
    from assay.pipeline import resolve_model

    if not onnx:
        fail("say what to export: --onnx (the one export format so far)")
    try:
        source = resolve_model(model)
        extractor = load_model(source)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    if not extractor.family.onnx:
        fail(f"the {extractor.family.name} family has no ONNX export yet")
    extractor.export_onnx(source, output, int8=int8)
    console.print(f"wrote {output} (ONNX{', int8' if int8 else ''}); "
                  f"run it with --model {output} --runtime onnx")
