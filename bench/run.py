"""Run one experiment of bench/experiments.toml and write its record (bench/records.py): the
one way a figure in bench/results/ is made.

    .venv/bin/python bench/run.py joint               # every seed it declares
    .venv/bin/python bench/run.py joint --seed 14     # one of them
    .venv/bin/python bench/run.py --list

A training run (kind run) is `python -m assay train RECIPE --set train.seed=N --set ...` with
its model in build/runs/NAME-sN/ (resumed from its checkpoint when one is there; a run declared
with `branch = {of = OTHER, after = K}` resumes from the copy of OTHER-sN's folder after epoch
K, which the runner makes while it trains OTHER); every other
kind runs its script with `--json FILE` (and `--seed N`), which writes what it measured there;
a script may report in it the `command` that did the work and the `packages` of the peer
environments it ran. The record adds the commit, the detected device and assay's package
versions, taken when the run starts. Then `python bench/report.py` rewrites the reports.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import threading
from datetime import date
from importlib import metadata
from pathlib import Path

from assay.training.trainer import STATE

import branches
from records import ROOT, Commit, Device, Experiment, Record, experiments, save

RUNS = Path("build/runs")
SCORES = ("micro_p", "micro_r", "micro_f1", "macro_p", "macro_r", "macro_f1")


def current_commit() -> Commit:
    """HEAD, and whether the tree differs from it outside bench/results (where records land,
    which change no code)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()

    changes = git("status", "--porcelain", "--", ".", ":(exclude)bench/results")
    return Commit(sha=git("rev-parse", "HEAD"), dirty=bool(changes),
                  source="git rev-parse HEAD when the run started")


def this_device() -> Device:
    """The machine as found now: the CPU model from /proc/cpuinfo (Linux), the GPU as torch
    sees it (None when it sees none), the threads the run was given."""
    cpu = None
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text(
            ).splitlines() if line.startswith("model name")]
        cpu = names[0] if names else None
    import torch

    gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else None
    return Device(arch=platform.machine(), cpu=cpu or platform.processor() or None,
                  cores=os.cpu_count(), gpu=gpu, source="detected",
                  threads=os.environ.get("OMP_NUM_THREADS", "unset"))


def assay_packages() -> dict[str, str | None]:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    return {"python": platform.python_version(),
            **{name: version(name) for name in ("assay", "torch", "transformers")}}


def provenance() -> dict:
    return {"commit": current_commit(), "device": this_device(),
            "packages": {"assay": assay_packages()}, "date": date.today().isoformat()}


def train(name: str, experiment: Experiment, seed: int) -> Record:
    """Train one seed (going on from its checkpoint when an earlier try was interrupted: the
    record then holds the commit and device of the try that finished) and record it. A branch
    goes on from the copy of its source's folder that the source's own run made; while this
    run trains, the runs that branch from it are copied when it reaches their epoch."""
    output = RUNS / f"{name}-s{seed}"
    if experiment.branch:
        of, after = experiment.branch.of, experiment.branch.after
        branches.check_start(ROOT / output, ROOT / RUNS / f"{of}-s{seed}", after, remake=(
            f"run `python bench/run.py {of} --seed {seed}` from its first epoch (its folder "
            f"removed if it is past epoch {after}; its record is made again), which copies "
            f"it after epoch {after}, then this"))
    sets = [f"train.seed={seed}", *experiment.set]
    made = provenance()
    command = [sys.executable, "-m", "assay", "train", experiment.recipe,
               *[a for s in [*sets, f"train.output={output}"] for a in ("--set", s)]]
    resume = (ROOT / output / STATE).exists()
    finished = threading.Event()
    copies = [threading.Thread(target=branches.copy_at_epoch, args=(
        ROOT / output, ROOT / RUNS / f"{other}-s{seed}", e.branch.after, finished))
        for other, e in experiments().items()
        if e.branch and e.branch.of == name and seed in e.seeds]
    for copy in copies:
        copy.start()
    try:
        subprocess.run(command + (["--resume"] if resume else []), cwd=ROOT, check=True)
    finally:
        finished.set()
        for copy in copies:
            copy.join()
    results = summary(ROOT / output)
    if experiment.branch:
        results["branched_from"] = {"run": f"{experiment.branch.of}-s{seed}",
                                    "after_epoch": experiment.branch.after}
    return Record(name=name, task=experiment.task, kind="run", seed=seed, experiment=experiment,
                  command=shlex.join(["python", "-m", "assay", "train", experiment.recipe,
                                      *[x for s in sets for x in ("--set", s)]]),
                  recipe=json.loads((ROOT / output / "recipe.json").read_text()),
                  results=results, **made)


def summary(output: Path) -> dict:
    """A finished run's dev scores at the selected epoch (with each label's F1), its epochs and
    seconds per epoch."""
    log = [json.loads(line) for line in (output / "log.jsonl").read_text().splitlines()]
    best = json.loads((output / "metrics.json").read_text())
    # an llm model's account of its dev answers (cut, not in the text, ...)
    answers = output / "answers.json"
    extra = {"answers": json.loads(answers.read_text())} if answers.exists() else {}
    # what each source gave: documents, examples, those without entities, dev sentences left out
    data = output / "training_data.json"
    if data.exists():
        extra["training_data"] = json.loads(data.read_text())
    return {**extra, "best_epoch": best["epoch"], "epochs_run": len(log),
            "seconds_per_epoch": round(statistics.median(r["seconds"] for r in log), 1),
            "dev": {k: {**{f: v[f] for f in SCORES},
                        # a combined score (somd's total) has no labels of its own
                        "per_label_f1": {label: x["f1"]
                                         for label, x in v.get("per_label", {}).items()}}
                    for k, v in best["dev"].items()},
            "best_by_score": best_by_score(log),
            # each epoch's dev micro F1 by score: what a schedule did after the selected epoch
            "by_epoch": {score: [round(r["dev"][score]["micro_f1"], 4) for r in log]
                         for score in log[0]["dev"]}}


def best_by_score(log: list[dict]) -> dict:
    """For each dev score, the epoch where its micro F1 was highest, and that F1: what
    selecting on that score instead would have kept (the run's seed gives the same epochs;
    only early stopping could end it sooner or later)."""
    return {score: max(({"epoch": r["epoch"], "micro_f1": r["dev"][score]["micro_f1"]}
                        for r in log), key=lambda b: b["micro_f1"])
            for score in log[0]["dev"]}


def scripted(name: str, experiment: Experiment, seed: int | None) -> tuple[Record, int]:
    """The record of the experiment's script, and the script's exit status: a script that
    wrote its result is recorded even when it then fails (dataset counts that differ from the
    stated ones)."""
    arguments = [experiment.script, *experiment.args,
                 *(["--seed", str(seed)] if seed is not None else [])]
    made = provenance()
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "result.json"
        done = subprocess.run([sys.executable, *arguments, "--json", str(out)], cwd=ROOT)
        if not out.exists():
            raise SystemExit(f"{name}: {experiment.script} exited {done.returncode} "
                             "without writing its result")
        results = json.loads(out.read_text())
    command = results.pop("command", " ".join(["python", *arguments]))
    made["packages"].update(results.pop("packages", {}))
    return Record(name=name, task=experiment.task, kind=experiment.kind, seed=seed,
                  experiment=experiment, command=command, recipe=None, results=results,
                  **made), done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", help="an experiment of bench/experiments.toml")
    parser.add_argument("--seed", type=int, help="one of its seeds (default: all)")
    parser.add_argument("--list", action="store_true", help="list the experiments")
    args = parser.parse_args()
    declared = experiments()
    if args.list or not args.name:
        for name, e in declared.items():
            print(f"{name:24} {e.task:16} {e.kind:6} {e.recipe or e.script} {e.seeds or ''}")
        return 0
    if args.name not in declared:
        raise SystemExit(f"no experiment {args.name!r} in bench/experiments.toml "
                         "(--list shows them)")
    experiment = declared[args.name]
    if args.seed is not None and args.seed not in experiment.seeds:
        raise SystemExit(f"{args.name} declares seeds {experiment.seeds}: declare {args.seed} "
                         "in bench/experiments.toml first, so that the reports show it")
    status = 0
    for seed in [args.seed] if args.seed is not None else experiment.seeds or [None]:
        if experiment.kind == "run":
            record = train(args.name, experiment, seed)
        else:
            record, code = scripted(args.name, experiment, seed)
            status = status or code
        print(f"wrote {save(record).relative_to(ROOT)}")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
