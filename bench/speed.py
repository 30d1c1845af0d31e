"""Extraction speed of a model on a corpus's sentences (CPU here), next to the bare encoder's
forward pass over the same batches: the ceiling no extractor on that encoder can pass.

Run: .venv/bin/python bench/speed.py --model software \\
        --data ../shared/datasets/somd2025/dev --format somd [--batch-size 32] [--runs 3]

Each figure is the median of `--runs` runs over all documents, after one warm-up run.
End to end includes windowing, tokenisation, NER decoding and relation classification.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import date

import torch

from assay import formats
from assay.pipeline import load


def median_seconds(work, runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="software")
    parser.add_argument("--data", default="../shared/datasets/somd2025/dev")
    parser.add_argument("--format", default="somd")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    docs = list(formats.read(args.data, args.format))
    nlp = load(args.model)
    extractor = nlp.extractors[0]
    from assay.models.windows import make_windows
    windows = make_windows(docs, extractor.tokenizer, extractor.config.max_length)
    batches = list(extractor.batches(windows, args.batch_size))
    encoders = extractor.module.encoders()

    def end_to_end():
        list(nlp.pipe(docs, batch_size=args.batch_size))

    def encoder_only():
        with torch.inference_mode():
            for batch in batches:
                for encoder in encoders:
                    encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])

    full, ceiling = median_seconds(end_to_end, args.runs), median_seconds(encoder_only, args.runs)
    n = len(windows)
    result = {"model": args.model, "data": args.data, "sentences": n,
              "batch_size": args.batch_size, "threads": torch.get_num_threads(),
              "end_to_end_sentences_per_s": round(n / full, 1),
              "encoder_only_sentences_per_s": round(n / ceiling, 1),
              "ratio_to_ceiling": round(ceiling / full, 3),
              "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
              "date": date.today().isoformat(), "runs": args.runs}
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
