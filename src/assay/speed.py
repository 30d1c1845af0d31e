"""How fast a model extracts, next to the ceiling its encoder sets: `assay bench speed`.

End to end is everything `nlp.pipe` does (sentence splitting, windows, tokenisation, the
network, decoding, relations), for any family or pipeline of families. The ceiling is the bare
encoders' forward pass over the very inputs they read (each step's `encoder_batches`), timed
alone: no extractor on those encoders can be faster. Documents are streamed (`cycled` makes any
number from a corpus without holding them), so peak memory shows whether memory grows with the
input.
"""
from __future__ import annotations

import os
import platform
import resource
import statistics
import time
from dataclasses import replace
from datetime import date
from itertools import cycle, islice
from typing import Callable, Iterable, Iterator

import torch

from assay.doc import Document
from assay.models.base import CHUNK, default_batch_size, inference
from assay.models.contract import Trainable
from assay.models.windows import make_windows

WARM_UP = 256  # documents run once, untimed, before the timed runs
WHOLE_SENTENCE = 1 << 30  # a window length no sentence reaches: one window a sentence


def cycled(docs: list[Document], n: int | None) -> Callable[[], Iterator[Document]]:
    """A maker of the first `n` documents of `docs` repeated (all of them once when `n` is
    None); the copies get ids of their own."""
    if n is None:
        return lambda: iter(docs)

    def make() -> Iterator[Document]:
        for k, doc in enumerate(islice(cycle(docs), n)):
            yield doc if k < len(docs) else replace(doc, id=f"{doc.id}#{k // len(docs)}")
    return make


def _median_seconds(work: Callable[[int | None], float], runs: int) -> float:
    work(WARM_UP)  # first calls allocate memory and pick kernels
    return statistics.median(work(None) for _ in range(runs))


def measure(nlp, docs: Callable[[], Iterable[Document]], batch_size: int | None = None,
            runs: int = 3) -> dict:
    """Sentences/s and tokens/s end to end and for the bare encoders of the pipeline's
    steps (median of `runs`, after a warm-up on the first documents), and the process's peak
    memory. Tokens are the sub-word pieces of the text as the first step's tokenizer cuts it.
    `docs()` gives the documents anew each run."""
    steps = [e for e in nlp.extractors if isinstance(e, Trainable)]
    if not steps:
        raise ValueError("assay bench speed times models with encoders; this pipeline has none")
    first = steps[0]
    device = first.device
    batch_size = batch_size or default_batch_size(device)
    counts = {"sentences": 0, "tokens": 0}

    def end_to_end(limit: int | None) -> float:
        start = time.perf_counter()
        for _ in nlp.pipe(islice(docs(), limit), batch_size=batch_size):
            pass
        return time.perf_counter() - start

    def encoder_only(limit: int | None) -> float:
        seconds, sentences, tokens = 0.0, 0, 0
        stream = islice(docs(), limit)
        while chunk := list(islice(stream, CHUNK * batch_size)):  # as nlp.pipe reads them
            whole = make_windows(chunk, first.tokenizer, WHOLE_SENTENCE)
            sentences += len(whole)
            tokens += sum(len(w) for w in whole)
            given = chunk
            for k, step in enumerate(nlp.extractors):
                for batch in step.encoder_batches(given, batch_size) if step in steps else ():
                    _synchronise(device)
                    start = time.perf_counter()
                    with inference(device):
                        for encoder in step.encoders():
                            encoder(**batch)
                    _synchronise(device)
                    seconds += time.perf_counter() - start
                if k + 1 < len(nlp.extractors):  # the next step reads what this one found
                    given = list(step.predict(given, batch_size))
        counts.update(sentences=sentences, tokens=tokens)
        return seconds

    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    full = _median_seconds(end_to_end, runs)
    ceiling = _median_seconds(encoder_only, runs)
    n, tokens = counts["sentences"], counts["tokens"]
    return {
        "documents": sum(1 for _ in docs()), "sentences": n, "tokens": tokens,
        "batch_size": batch_size, "runs": runs, "seconds": round(full, 3),
        "sentences_per_s": round(n / full, 1), "tokens_per_s": round(tokens / full),
        "ceiling_sentences_per_s": round(n / ceiling, 1),
        "ceiling_tokens_per_s": round(tokens / ceiling),
        "ratio_to_ceiling": round(ceiling / full, 3),
        **peak_memory(device), **machine(device),
    }


def peak_memory(device: torch.device) -> dict:
    """The process's peak resident memory (MiB), and on a GPU the peak allocated there."""
    peak = {"peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}
    if device.type == "cuda":
        peak["peak_gpu_mib"] = round(torch.cuda.max_memory_allocated() / 2 ** 20)
    return peak


def machine(device: torch.device) -> dict:
    gpu = torch.cuda.get_device_name() if device.type == "cuda" else "no GPU"
    return {"device": device.type, "threads": torch.get_num_threads(),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, {gpu}",
            "date": date.today().isoformat()}


def _synchronise(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize()
