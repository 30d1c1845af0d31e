"""Readers under damaged input: for every format, N damaged copies of its fixture file (cut
short, bytes flipped, inserted or deleted, lines dropped, repeated or swapped), each read
strictly and leniently; the outcome of each read is the documents, a FormatError (a clear,
one-line error), or any other exception (a defect: the count must be 0).

    .venv/bin/python bench/fuzz_formats.py --examples 2000 --json RESULT.json
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.formats.fuzzing

from assay import formats  # noqa: E402
from tests.formats.fuzzing import fuzz  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="damaged copies a format")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    readers = {}
    for fmt in formats.FORMATS:
        start = time.perf_counter()
        with tempfile.TemporaryDirectory() as folder:
            readers[fmt] = fuzz(fmt, Path(folder), args.examples, args.seed)
        readers[fmt]["seconds"] = round(time.perf_counter() - start, 1)
        print(fmt, json.dumps(readers[fmt]))
    command = f"python bench/fuzz_formats.py --examples {args.examples} --seed {args.seed}"
    args.json.write_text(json.dumps({"examples": args.examples, "seed": args.seed,
                                     "command": command, "readers": readers}, indent=2) + "\n")
    other = sum(r[m]["other exception"] for r in readers.values() for m in ("strict", "lenient"))
    return 1 if other else 0


if __name__ == "__main__":
    raise SystemExit(main())
