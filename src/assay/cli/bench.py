"""`assay bench speed`: how fast a model extracts, and its encoder's ceiling."""
from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.table import Table

from assay.cli.common import FORMAT_HELP, LENIENT_HELP, check_format, console, fail, read_all

NAME = "bench"
app = typer.Typer(help="Measure models: assay bench speed --model M --data D --format F",
                  no_args_is_help=True)


@app.command("speed")
def speed(
    model: str = typer.Option("software", help="a shipped model's name or a model directory"),
    data: Path = typer.Option(..., "--data", help="documents to extract from (a file, folder "
                              "or prefix)"),
    format: str = typer.Option(..., "--format", "-f", help=FORMAT_HELP, callback=check_format),
    runtime: str = typer.Option("torch", help="torch, or onnx for a model made by assay export"),
    batch_size: int = typer.Option(None, min=1, help="windows a batch "
                                    "(default 32 on a CPU, 128 on a GPU)"),
    runs: int = typer.Option(3, min=1, help="timed runs after a warm-up; the median is shown"),
    documents: int = typer.Option(None, min=1, help="run over this many documents, cycling "
                                  "through the data (default: the data once)"),
    threads: int = typer.Option(None, min=1, help="CPU threads for torch (default: torch's)"),
    json_out: Path = typer.Option(None, "--json", help="also write the figures as JSON here"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
) -> None:
    """Sentences/s and tokens/s end to end, the bare encoder's forward pass over the same
    batches (the ceiling), and peak memory.

    Example: assay bench speed --model software --data ../shared/datasets/somd2025/dev -f somd
    """
    import torch

    from assay.pipeline import load
    from assay.speed import cycled, measure

    if threads:
        torch.set_num_threads(threads)
    docs = read_all(data, format, lenient)
    if not docs:
        fail(f"{data}: no documents")
    try:
        nlp = load(model, runtime)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    result = {"model": model, "runtime": runtime, "data": str(data),
              **measure(nlp, cycled(docs, documents), batch_size, runs)}
    table = Table(title=f"{model} ({runtime}) on {data}: median of {runs} runs")
    for column in ("", "sentences/s", "tokens/s"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row("end to end", f"{result['sentences_per_s']:.1f}", str(result["tokens_per_s"]))
    table.add_row("encoder only (ceiling)", f"{result['ceiling_sentences_per_s']:.1f}",
                  str(result["ceiling_tokens_per_s"]))
    console.print(table)
    gpu = f", GPU peak {result['peak_gpu_mib']} MiB" if "peak_gpu_mib" in result else ""
    console.print(f"{result['sentences']} sentences ({result['tokens']} tokens) in "
                  f"{result['documents']} documents, batch {result['batch_size']}, "
                  f"{result['threads']} threads; {result['ratio_to_ceiling']:.3f} of the ceiling; "
                  f"peak memory {result['peak_rss_mib']} MiB{gpu}; {result['machine']}")
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
