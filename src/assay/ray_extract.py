"""`assay extract --engine ray`: a large JSON-lines input extracted on Ray Data.

The input is cut into shards of `shard_size` documents by one pass over its lines (byte
ranges: nothing is parsed or shipped by the driver). A pool of actors, each loading the model
once, takes shards (`map_batches`): each actor reads its shard's lines from the input, runs the
model and writes the shard as `OUTPUT/part-00000.<format>` (assay's writers replace a file
only when it is complete), then marks it done (`part-00000.done`). Run again, it skips the
shards marked done. `OUTPUT/shards.json` records what the shards were cut from, so that a rerun over
another input or with another shard size is refused rather than mixed in.

With a shard size that is a multiple of the model's prediction chunk (8 batches: 256
documents at the default batch of 32) every batch is the one a single process would make, so
the shards, read in order, are the single process's output document for document.

The input must be where every node can read it (a shared file system) and assay must be
installed on every node; without `address` (or RAY_ADDRESS) a local Ray is started.
"""
from __future__ import annotations

import io
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from assay import formats
from assay.errors import FormatError, Problems
from assay.formats.base import replaced
from assay.pipeline import prompt_counts, summed

MANIFEST = "shards.json"


@dataclass
class Shard:
    index: int
    start: int       # byte offsets of its lines in the input
    end: int
    first_line: int  # the line number of its first line
    documents: int


def cut(path: Path, shard_size: int) -> list[Shard]:
    """The input's shards: `shard_size` non-blank lines each, the last one fewer."""
    shards: list[Shard] = []
    start = offset = count = 0
    first = line = 1
    with path.open("rb") as lines:
        for raw in lines:
            if raw.strip():
                count += 1
            offset += len(raw)
            line += 1
            if count == shard_size:
                shards.append(Shard(len(shards), start, offset, first, count))
                start, first, count = offset, line, 0
    if count:
        shards.append(Shard(len(shards), start, offset, first, count))
    return shards


def part(folder: Path, index: int, format: str) -> Path:
    """Where shard `index` is written (a prefix for somd, a folder for brat)."""
    return folder / (f"part-{index:05d}" + ("" if format in formats.MULTI_FILE else f".{format}"))


def done_mark(folder: Path, index: int) -> Path:
    """Made once shard `index` is wholly written: SOMD's three files and BRAT's folder are
    put in place one file at a time, so their presence alone says nothing."""
    return folder / f"part-{index:05d}.done"


def manifest(input: Path, shard_size: int, format: str, model: str, runtime: str = "torch",
             labels: list[str] | None = None, batch_size: int | None = None) -> dict:
    """What the shards are made of and how: a rerun must match it."""
    stat = input.stat()
    return {"input": str(input.resolve()), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns,
            "shard_size": shard_size, "format": format, "model": model, "runtime": runtime,
            "labels": labels, "batch_size": batch_size}


def claim(folder: Path, wanted: dict) -> None:
    """Make `folder` this run's, or check it is: a folder holding another run's shards is
    refused, naming what differs."""
    path = folder / MANIFEST
    if path.exists():
        found = json.loads(path.read_text())
        differ = [k for k in wanted if found.get(k) != wanted[k]]
        if differ:
            raise FormatError("holds the shards of another run (" + ", ".join(
                f"{k} {found.get(k)!r}, not {wanted[k]!r}" for k in differ) + "); give another "
                "--output or remove it", folder)
        return
    if folder.exists() and any(folder.iterdir()):
        raise FormatError("is not empty and holds no shards.json: give an empty or new folder",
                          folder)
    folder.mkdir(parents=True, exist_ok=True)
    with replaced(path) as temp:
        temp.write_text(json.dumps(wanted, indent=1))


class ShardWorker:
    """A Ray actor: loads the model once, then extracts and writes shard after shard."""

    settings: dict = {}  # set on the subclass `extract` makes: Ray then keeps no arguments

    def __init__(self):
        import torch

        from assay.pipeline import load

        s = self.settings
        torch.set_num_threads(s["threads"])
        self.nlp = load(s["model"], s["runtime"], s["labels"])
        self.input, self.folder, self.format = Path(s["input"]), Path(s["folder"]), s["format"]
        self.batch_size, self.lenient = s["batch_size"], s["lenient"]

    def __call__(self, batch: dict) -> dict:
        out = {"index": [], "documents": [], "skipped": [], "seconds": [], "error": [],
               "prompt_counts": []}
        for i in range(len(batch["index"])):
            shard = Shard(*(int(batch[k][i]) for k in ("index", "start", "end", "first_line",
                                                       "documents")))
            began = time.perf_counter()
            written, skipped, error = self._extract(shard)
            counts = json.dumps(prompt_counts(self.nlp.extractors)) if written else "null"
            for key, value in zip(out, (shard.index, written, skipped,
                                        time.perf_counter() - began, error, counts)):
                out[key].append(value)
        return out

    def _extract(self, shard: Shard) -> tuple[int, int, str]:
        from assay.formats.jsonl import read_lines

        with self.input.open("rb") as f:
            f.seek(shard.start)
            lines = io.BytesIO(f.read(shard.end - shard.start))  # lines as `cut` saw them
        problems = Problems(strict=not self.lenient)
        try:
            docs = list(read_lines(lines, self.input, problems, shard.first_line))
            found = list(self.nlp.pipe(docs, batch_size=self.batch_size))
            formats.write(found, part(self.folder, shard.index, self.format), self.format)
            done_mark(self.folder, shard.index).touch()
        except FormatError as err:
            return 0, 0, str(err)
        except Exception as err:  # this shard fails; the others go on, and a rerun retries it
            return 0, 0, f"{err} ({type(err).__name__})"
        return len(found), shard.documents - len(docs), ""


@dataclass
class Outcome:
    shards: int          # in all
    done_before: int     # complete from an earlier run, skipped
    written: int         # documents written by this run
    skipped: int         # bad lines left out (lenient)
    errors: list[str]    # shards that failed, each its one line
    seconds: float
    #: what a language model's answers came to over the shards this run wrote (None: no model
    #: prompts, or no shard was written)
    prompt_counts: dict[str, int] | None = None


RETRIES = 3  # times a shard is tried again after its worker dies


def extract(input: Path, folder: Path, model: str, format: str = "jsonl",
            runtime: str = "torch", labels: list[str] | None = None,
            batch_size: int | None = None, shard_size: int = 1024, actors: int | None = None,
            threads: int = 1, address: str | None = None, lenient: bool = False,
            progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Extract `input` (JSON lines) into shards under `folder`; see the module's docstring.
    `actors`: how many model copies (default: the cluster's CPUs / `threads`); `progress` is
    called with (documents done, documents to do) as shards finish."""
    os.environ.setdefault("RAY_DATA_LOG_LEVEL", "ERROR")  # read when ray.data is imported
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")  # and by ray.init
    import ray

    began = time.perf_counter()
    claim(folder, manifest(input, shard_size, format, model, runtime, labels, batch_size))
    shards = cut(input, shard_size)
    todo = [s for s in shards if not done_mark(folder, s.index).exists()]
    outcome = Outcome(len(shards), len(shards) - len(todo), 0, 0, [], 0.0)
    if todo:
        if not ray.is_initialized():
            ray.init(address=address, logging_level="ERROR", log_to_driver=False,
                     include_dashboard=False)
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = context.print_on_execution_start = False
        pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1) // threads))
        pool = min(pool, len(todo))
        worker = type("AssayShardWorker", (ShardWorker,), {"settings": dict(
            model=model, runtime=runtime, labels=labels, input=str(input.resolve()),
            folder=str(folder.resolve()), format=format, batch_size=batch_size,
            lenient=lenient, threads=threads)})
        # a shard whose actor dies (killed for memory, say) is tried again RETRIES times,
        # not for ever as Ray Data's default would; then the run stops and says so
        results = ray.data.from_items([asdict(s) for s in todo]).map_batches(
            worker, batch_size=1, compute=ray.data.ActorPoolStrategy(size=pool),
            num_cpus=threads, max_restarts=RETRIES, max_task_retries=RETRIES)
        total = sum(s.documents for s in todo)
        try:
            for row in results.iter_rows():
                outcome.written += int(row["documents"])
                outcome.skipped += int(row["skipped"])
                outcome.prompt_counts = summed([outcome.prompt_counts,
                                                json.loads(row["prompt_counts"])])
                if row["error"]:
                    outcome.errors.append(f"shard {int(row['index'])}: {row['error']}")
                if progress is not None:
                    progress(outcome.written, total)
        except ray.exceptions.RayError as err:
            outcome.errors.append(f"the run stopped after {RETRIES} tries of a shard whose "
                                  f"worker died ({type(err).__name__}); the shards done are "
                                  "kept: run it again to go on")
    outcome.seconds = time.perf_counter() - began
    return outcome
