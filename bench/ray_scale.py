"""`assay extract --engine ray` beside the single process, on the same few thousand documents.

The input: --documents sentences of SOMD's training texts as JSON lines (the texts repeat,
the ids do not). Both commands run as a user runs them, each in its own process, timed from
start to end (model loading and, for Ray, starting a local Ray included):
    python -m assay extract --input IN.jsonl --output single.jsonl
    python -m assay extract --engine ray --input IN.jsonl --output shards/ --shard-size S
Then the shards, read in order, are compared with the single output document for document, and
the Ray command is run again, when every shard is already written (what a rerun costs).

Run through the runner, nothing else busy on the machine (bench/experiments.toml: ray-scale):
    .venv/bin/python bench/run.py ray-scale
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path


def timed(command: list[str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return round(time.perf_counter() - began, 2)


def unscore(line: str) -> str:
    doc = json.loads(line)
    for item in doc["entities"] + doc["relations"]:
        item.pop("score", None)
    return json.dumps(doc, sort_keys=True)


def gap(a: str, b: str) -> float:
    """The largest difference between the scores of two documents' like annotations."""
    x, y = json.loads(a), json.loads(b)
    pairs = list(zip(x["entities"] + x["relations"], y["entities"] + y["relations"]))
    return max((abs((p.get("score") or 0) - (q.get("score") or 0)) for p, q in pairs),
               default=0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="software")
    parser.add_argument("--texts", default="../shared/datasets/somd2025/train_texts.txt")
    parser.add_argument("--documents", type=int, default=4096)
    parser.add_argument("--shard-size", type=int, default=1024)
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    texts = [t for t in Path(args.texts).read_text(encoding="utf-8").splitlines() if t.strip()]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        source = work / "in.jsonl"
        source.write_text("".join(json.dumps({"id": f"doc-{i}", "text": t}) + "\n" for i, t in
                                  enumerate(islice(cycle(texts), args.documents))))
        assay = [sys.executable, "-m", "assay", "extract", "--model", args.model, "--input",
                 str(source)]
        single = timed([*assay, "--output", str(work / "single.jsonl")])
        on_ray = [*assay, "--engine", "ray", "--output", str(work / "shards"), "--shard-size",
                  str(args.shard_size)]
        ray_seconds = timed(on_ray)
        rerun = timed(on_ray)
        one = (work / "single.jsonl").read_text(encoding="utf-8").splitlines()
        shards = sorted((work / "shards").glob("part-*.jsonl"))
        many = [line for p in shards for line in p.read_text(encoding="utf-8").splitlines()]
    differing = sum(a != b for a, b in zip(one, many)) + abs(len(one) - len(many))
    unscored = sum(unscore(a) != unscore(b) for a, b in zip(one, many)) + abs(len(one) - len(many))
    score_gap = max((gap(a, b) for a, b in zip(one, many)), default=0.0)
    import ray

    results = {
        "model": args.model, "documents": args.documents, "texts_file": args.texts,
        "shard_size": args.shard_size, "shards": len(shards),
        "single": {"seconds": single, "documents_per_s": round(args.documents / single, 1)},
        "ray": {"seconds": ray_seconds, "documents_per_s": round(args.documents / ray_seconds, 1),
                "rerun_all_written_seconds": rerun},
        "ray_overhead_seconds": round(ray_seconds - single, 2),
        "ray_to_single_time": round(ray_seconds / single, 3),
        "identical_documents": len(one) - differing, "differing_documents": differing,
        "byte_identical": one == many,
        # with shards that are not whole prediction chunks batches differ, and so scores do in
        # their last digits: the annotations without their scores, and the largest difference
        "differing_documents_without_scores": unscored, "largest_score_difference": score_gap,
        "commands": [" ".join(["python", *c[1:]]).replace(folder, "TMP")
                     for c in ([*assay, "--output", str(work / "single.jsonl")], on_ray)],
        "packages": {"ray": {"ray": ray.__version__}},
    }
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results["ray"]), results["single"], differing)


if __name__ == "__main__":
    main()
