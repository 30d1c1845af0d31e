"""Train a recipe under several seeds (and variants), then tabulate the dev scores as
mean ± std with the training time per epoch.

Run from the repository root, e.g.:
    .venv/bin/python bench/train_runs.py configs/somd-joint.toml --name joint --seeds 13 14 15
    .venv/bin/python bench/train_runs.py configs/somd-joint.toml --name disjoint \\
        --seeds 13 14 15 --set model.training=disjoint
    .venv/bin/python bench/train_runs.py --table bench/results/somd_joint.md joint disjoint

Each run's model goes to build/runs/<name>-s<seed>/ and its summary to
bench/results/runs/<name>-s<seed>.json (dev scores of the selected epoch, seconds per epoch,
machine, date, command); `--table` writes a markdown table of the named runs.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from datetime import date
from pathlib import Path

RUNS = Path("bench/results/runs")


def run(recipe: str, name: str, seed: int, sets: list[str]) -> dict:
    output = Path("build/runs") / f"{name}-s{seed}"
    command = [sys.executable, "-m", "assay", "train", recipe, "--set", f"train.seed={seed}",
               "--set", f"train.output={output}"] + [a for s in sets for a in ("--set", s)]
    resume = (output / "checkpoint" / "state.pt").exists()
    subprocess.run(command + (["--resume"] if resume else []), check=True)
    return summarise(output, name, seed, recipe, sets)


def summarise(output: Path, name: str, seed: int, recipe: str, sets: list[str]) -> dict:
    """The summary of a finished run in `output`, saved as bench/results/runs/NAME-sSEED.json."""
    log = [json.loads(line) for line in (output / "log.jsonl").read_text().splitlines()]
    best = json.loads((output / "metrics.json").read_text())
    summary = {"name": name, "seed": seed, "recipe": recipe, "set": sets,
               "command": " ".join(["python -m assay train", recipe, "--set",
                                    f"train.seed={seed}"] + [f"--set {s}" for s in sets]),
               "best_epoch": best["epoch"], "epochs_run": len(log),
               "seconds_per_epoch": round(statistics.median(r["seconds"] for r in log), 1),
               "dev": {k: {f: v[f] for f in ("micro_p", "micro_r", "micro_f1", "macro_p",
                                              "macro_r", "macro_f1")}
                       for k, v in best["dev"].items()},
               "best_by_score": best_by_score(log),
               "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, no GPU",
               "date": date.today().isoformat()}
    RUNS.mkdir(parents=True, exist_ok=True)
    (RUNS / f"{name}-s{seed}.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def named_runs(name: str) -> list[dict]:
    """The summaries of the runs named `name` (not of those whose name only begins so)."""
    paths = sorted(RUNS.glob(f"{name}-s*.json"))
    return [json.loads(p.read_text()) for p in paths if re.fullmatch(rf"{re.escape(name)}-s\d+", p.stem)]


def best_by_score(log: list[dict]) -> dict:
    """For each dev score, the epoch where its micro F1 was highest, and that F1: what
    selecting on that score instead would have kept (the run's seed gives the same epochs;
    only early stopping could end it sooner or later)."""
    return {score: max(({"epoch": r["epoch"], "micro_f1": r["dev"][score]["micro_f1"]}
                        for r in log), key=lambda b: b["micro_f1"])
            for score in log[0]["dev"]}


def mean_std(values: list[float]) -> tuple[float, float]:
    """The mean and the sample standard deviation (0 for a single value)."""
    return statistics.mean(values), statistics.stdev(values) if len(values) > 1 else 0.0


def table(names: list[str]) -> str:
    lines = []
    for name in names:
        runs = named_runs(name)
        if not runs:
            raise SystemExit(f"no runs named {name} in {RUNS}")
        scores = list(runs[0]["dev"])
        if not lines:
            lines = ["| run | seeds | " + " | ".join(f"{s} micro F1 | {s} macro F1"
                                                   for s in scores) + " | s/epoch | epochs |",
                     "|---" * (4 + 2 * len(scores)) + "|"]
        cells = []
        for s in scores:
            for f in ("micro_f1", "macro_f1"):
                mean, std = mean_std([r["dev"][s][f] for r in runs])
                cells.append(f"{mean:.4f} ± {std:.4f}")
        lines.append(f"| {name} | {', '.join(str(r['seed']) for r in runs)} | "
                     + " | ".join(cells) + f" | {statistics.mean(r['seconds_per_epoch'] for r in runs):.0f}"
                     f" | {', '.join(str(r['best_epoch']) + '/' + str(r['epochs_run']) for r in runs)} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("recipe", nargs="?")
    parser.add_argument("names", nargs="*", help="with --table: the run names to tabulate")
    parser.add_argument("--name")
    parser.add_argument("--seeds", type=int, nargs="+", default=[13])
    parser.add_argument("--set", dest="sets", action="append", default=[])
    parser.add_argument("--table", help="write a markdown table of the runs named here")
    parser.add_argument("--summarise", type=Path, help="only summarise this finished run's "
                        "output directory as --name, seed --seeds")
    args = parser.parse_args()
    if args.summarise:
        print(json.dumps(summarise(args.summarise, args.name, args.seeds[0], args.recipe,
                                   args.sets)["dev"]))
        return
    if args.table:
        names = ([args.recipe] if args.recipe else []) + args.names
        Path(args.table).write_text(table(names))
        print(Path(args.table).read_text())
        return
    for seed in args.seeds:
        print(json.dumps(run(args.recipe, args.name, seed, args.sets)["dev"]))


if __name__ == "__main__":
    main()
