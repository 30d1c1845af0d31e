"""The experiments of bench/experiments.toml and the records their runs leave: one schema for
trainings, peers, speed and evaluations alike, so that every report reads one kind of file and
every figure says which commit, recipe, packages and device made it.

A record lives in bench/results/records/<task>/<name>-s<seed>.json (<name>.json when the
experiment takes no seed). `bench/run.py` writes them; `bench/report.py` reads them.
"""
from __future__ import annotations

import json
import os
import statistics
import tempfile
import tomllib
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENTS = ROOT / "bench" / "experiments.toml"
RESULTS = ROOT / "bench" / "results"
RECORDS = RESULTS / "records"
SCHEMA_VERSION = 1

# run: `assay train` of a recipe; peer: another library on the same data; speed: extraction
# speed; eval: trained models scored on a task; counts: what the readers read of each corpus;
# fuzz: what the readers make of damaged files
Kind = Literal["run", "peer", "speed", "eval", "counts", "fuzz"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Branch(Strict):
    """A run that goes on from another's after epoch `after` (`branch = {of = "NAME", after =
    N}`): the two are the same up to there, so the runner copies NAME-sS's folder when that run
    has finished epoch N, and this run resumes from the copy."""
    of: str
    after: int = Field(ge=1)


class Experiment(Strict):
    """One entry of bench/experiments.toml: a recipe with its `--set`s (kind run), or a script
    of bench/ and its arguments (every other kind); `seeds` are those the experiment is
    reported over (a script is given `--seed N`; none: it runs once)."""
    task: str
    kind: Kind
    recipe: str | None = None
    set: list[str] = []
    script: str | None = None
    args: list[str] = []
    seeds: list[int] = []
    branch: Branch | None = None

    @model_validator(mode="after")
    def _one_way_to_run(self) -> "Experiment":
        if self.kind == "run" and not (self.recipe and self.seeds and not self.script):
            raise ValueError("kind run takes a recipe and seeds, and no script")
        if self.kind != "run" and not (self.script and not self.recipe and not self.set
                                       and not self.branch):
            raise ValueError(f"kind {self.kind} takes a script (and args), not a recipe, sets "
                             "or a branch")
        return self


class Commit(Strict):
    """The code that made a record: `sha` (None: unknown), `dirty` (uncommitted changes outside
    bench/results; None: unknown) and how the sha was found (`source`)."""
    sha: str | None
    dirty: bool | None
    source: str


class Device(Strict):
    """The machine a record was made on; `gpu` None means none was there. `source` says whether
    it was detected or read from what an older record wrote."""
    arch: str | None
    cpu: str | None
    cores: int | None
    gpu: str | None
    source: str
    # OMP_NUM_THREADS as the run was started ("unset": torch took its default); older records
    # did not keep it (None). Float sums run in a thread-dependent order: a seed may not repeat
    # under another count
    threads: str | None = None

    def describe(self) -> str:
        cores = f"{self.cores} CPU cores" if self.cores else "CPU cores unknown"
        return ", ".join(p for p in (self.arch, self.cpu, cores, self.gpu or "no GPU") if p)


class Record(Strict):
    """What one run of one experiment (one seed) produced and what produced it.

    `command`: the command that did the work; `recipe`: the resolved recipe of a training run
    (its recipe.json; None when not kept); `packages`: versions by environment ("assay" for
    assay's own, a peer's by its name), None when unknown; `results`: what the experiment
    measured, in the shape its kind gives (run: dev scores of the selected epoch, epochs,
    seconds per epoch, best epoch by score)."""
    schema_version: Literal[1] = SCHEMA_VERSION
    name: str
    task: str
    kind: Kind
    seed: int | None
    experiment: Experiment
    command: str
    commit: Commit
    recipe: dict | None
    packages: dict[str, dict[str, str | None]] | None
    device: Device
    date: str
    results: dict
    note: str | None = None

    def made(self) -> str:
        """What made it, in one sentence: commit, machine, date and command."""
        dirty = " (with uncommitted changes)" if self.commit.dirty else ""
        return (f"Commit {self.commit.sha[:7]}{dirty}, {self.device.describe()}, {self.date}; "
                f"`{self.command}`.")


class MissingRecord(LookupError):
    """A report names an experiment that is not declared or has no record."""


@cache
def experiments() -> dict[str, Experiment]:
    """The experiments declared in bench/experiments.toml, by name."""
    declared = tomllib.loads(EXPERIMENTS.read_text(encoding="utf-8"))
    found = {name: Experiment.model_validate(entry) for name, entry in declared.items()}
    for name, e in found.items():
        source = found.get(e.branch.of) if e.branch else None
        if e.branch and not (source and source.kind == "run"
                             and set(e.seeds) <= set(source.seeds)):
            raise ValueError(f"{EXPERIMENTS.name}: [{name}] branches from {e.branch.of!r}, "
                             "which must be a run declaring all its seeds")
    return found


def record_path(task: str, name: str, seed: int | None) -> Path:
    return RECORDS / task / (f"{name}.json" if seed is None else f"{name}-s{seed}.json")


def save(record: Record) -> Path:
    """Write `record` in place of any earlier one, atomically (a temporary file renamed)."""
    path = record_path(record.task, record.name, record.seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
    os.replace(temporary, path)
    return path


def named(name: str) -> list[Record]:
    """The records of experiment `name`, one per declared seed, in the declared order; a
    MissingRecord naming the experiment when it is not declared or a record is missing."""
    found, missing = recorded(name)
    if missing:
        task = experiments()[name].task
        shown = ", ".join(str(record_path(task, name, seed).relative_to(ROOT)) for seed in missing)
        make = "; ".join(f"python bench/run.py {name}" + (f" --seed {seed}" if seed is not None
                                                          else "") for seed in missing)
        raise MissingRecord(f"experiment {name!r} has no record {shown} (make it with: {make})")
    return found


def recorded(name: str) -> tuple[list[Record], list[int | None]]:
    """The records experiment `name` has so far, in the declared order, and the declared seeds
    still without one: for reports that show a run's seeds as they come and list the rest as
    waiting. A MissingRecord when `name` is not declared."""
    experiment = experiments().get(name)
    if experiment is None:
        raise MissingRecord(f"experiment {name!r} is not declared in {EXPERIMENTS.name}")
    paths = {seed: record_path(experiment.task, name, seed) for seed in experiment.seeds or [None]}
    return ([Record.model_validate_json(p.read_text(encoding="utf-8"))
             for p in paths.values() if p.exists()],
            [seed for seed, path in paths.items() if not path.exists()])


def mean_std(values: list[float]) -> tuple[float, float]:
    """The mean and the sample standard deviation (0 for a single value)."""
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def machines(records: list[Record]) -> str:
    """The devices that made `records`, as one sentence for a report's header."""
    found = list(dict.fromkeys(r.device.describe() for r in records))
    return f"Machine{'s' if len(found) > 1 else ''}: {'; '.join(found)}."


def waiting_line(names: list[str], why: str = "") -> list[str]:
    """A report's closing paragraph for the experiments among `names` still without a record
    for some declared seed, each with those seeds (`why` added after it); none when every one
    is recorded."""
    def seeds_said(seeds: list[int | None]) -> str:
        if seeds == [None]:
            return ""
        return f" (seed{'s' if len(seeds) > 1 else ''} {', '.join(map(str, seeds))})"

    waiting = [f"`{name}`{seeds_said(seeds)}" for name in names
               for seeds in [recorded(name)[1]] if seeds]
    if not waiting:
        return []
    return ["Declared in `bench/experiments.toml` and not recorded yet: " + ", ".join(waiting)
            + "." + (f" {why}" if why else ""), ""]
