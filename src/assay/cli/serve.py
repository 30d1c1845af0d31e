"""`assay serve`: the HTTP service and its page."""
from __future__ import annotations

import os

import typer

from assay.cli.common import console, fail

NAME = "serve"


def run(
    model: list[str] = typer.Option(["software"], "--model", "-m", help="a shipped model's "
                                    "name or a model directory; repeat to serve several (the "
                                    "first is the default)"),
    host: str = typer.Option("127.0.0.1", help="the address to listen on; 0.0.0.0 opens it to "
                             "the network"),
    port: int = typer.Option(8000, help="the port to listen on"),
    max_body_bytes: int = typer.Option(5_000_000, min=1, help="request body size (413)"),
    max_texts: int = typer.Option(64, min=1, help="texts or documents a request (422)"),
    max_chars: int = typer.Option(500_000, min=1, help="characters a text (422); a longer "
                                  "text is refused, never cut"),
    max_concurrent: int = typer.Option(128, min=1, help="requests in flight at once (503)"),
    timeout: float = typer.Option(120.0, min=0.001, help="seconds a request may take (504)"),
    batch_wait_ms: float = typer.Option(5.0, min=0, help="how long a batch of concurrent "
                                        "requests waits to fill"),
    max_batch: int = typer.Option(64, min=1, help="documents a batch on the model"),
    workers: int = typer.Option(0, min=0, help="batches each model runs at once, a thread "
                                "each, sharing the CPUs' PyTorch threads (0: one a CPU core "
                                "on a CPU, one on a GPU)"),
) -> None:
    """Serve models over HTTP: POST /extract, GET /models, GET /health, and at / a page to paste
    or upload a text and see what was found. The OpenAPI schema is at /openapi.json.

    Example: assay serve --model software, then
    curl -X POST 127.0.0.1:8000/extract -d '{"text": "We used SPSS 25 (IBM)."}'

    Concurrent requests are batched together on each model. Needs the serve extra:
    pip install 'assay[serve]'.
    """
    try:
        import uvicorn

        from assay.server.app import Limits, create_app
    except ImportError as err:
        fail(f"assay serve needs the serve extra ({err.name} is missing): "
             "pip install 'assay[serve]'")
    from assay.pipeline import load, resolve_model

    # oneDNN keeps a compiled kernel for each batch shape it meets, up to 1,024 of them: under
    # load the server's memory grew by about 90 MB over 10,000 requests; with 8 it stays flat
    # at no measurable cost in speed (bench/results/serve.md)
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
    workers = model_workers(workers)

    names = list(dict.fromkeys(model))
    try:
        folders = {name: resolve_model(name) for name in names}
        models = {name: load(name) for name in names}
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    limits = Limits(max_body_bytes=max_body_bytes, max_texts=max_texts, max_chars=max_chars,
                    max_concurrent=max_concurrent, timeout_s=timeout,
                    batch_wait_ms=batch_wait_ms, max_batch=max_batch,
                    workers=workers)
    app = create_app(models, limits, folders)
    console.print(f"serving {', '.join(names)} at http://{host}:{port}/ (Ctrl-C to stop)",
                  highlight=False)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def model_workers(asked: int) -> int:
    """Batches a model runs at once: `asked`, or by default one a CPU core; on a CPU, PyTorch's
    threads are shared among them. A few sentences give PyTorch's own threads little to
    share: on 2 cores, two batches of 32 SOMD sentences at once, one thread each, ran 1.5 x as
    fast as one batch at a time on two threads. On a GPU, one by default."""
    import torch

    if torch.cuda.is_available():
        return asked or 1
    cores = (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
             else os.cpu_count()) or 1
    workers = asked or cores
    torch.set_num_threads(max(1, cores // workers))
    return workers
