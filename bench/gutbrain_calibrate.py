"""The GutBrainIE relation threshold calibrated on the 60-document dev carve (issue 20: ATLOP's
learned threshold, trained on little data, predicts far fewer relations than gold has).

docre predicts once over the carve at a low floor, every relation with its score (the
sigmoid of its score less the threshold class's); each threshold is then a filter on those
scores, which is what the model predicts with `model.threshold` set to it. Two inputs: the
gold entities, and the span model's entities (end to end, as users run it). For each:
- every threshold of GRID: the three RE subtasks' micro F1, and predicted against gold counts;
- the threshold chosen on the carve (the mean micro F1 of the three RE subtasks end to end),
  with ATLOP's top-k (at most k relations a pair: 1 and 2) beside it;
- selection you can trust: the carve cut in two halves (seeded), the threshold chosen on one
  half and scored on the other, both ways, counts pooled; the same for a threshold per
  relation label (one pass of coordinate ascent from the global one).
The 22 documents of the old carve are scored too, for continuity. `--dev-ids` scores and
calibrates on other platinum + gold documents instead (a cross-validation fold; the old carve
is then not scored). `--out` is the RE model with the chosen threshold in its config
(`model.threshold`): what `assay package` ships.

Run through the runner, after gutbrain-span-dev60 and gutbrain-atlop-dev60 (experiment
gutbrain-calibrate):
    .venv/bin/python bench/run.py gutbrain-calibrate
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from assay import formats, metrics
from assay.doc import Document
from assay.formats.base import listed_ids
from assay.models.registry import load_model

DATA = Path("../shared/datasets/gutbrainie2025")
CARVE = Path("configs/gutbrainie-dev60-ids.txt")
OLD_CARVE = Path("configs/gutbrainie-dev-ids.txt")
RE_TASKS = ("binary_tag_RE", "ternary_tag_RE", "ternary_mention_RE")
GRID = (0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)
ATLOP = 0.5  # the learned threshold class's own rule
TOP_K = (1, 2)  # ATLOP's top-k: at most k relations a pair, the best-scored


def kept(docs: list[Document], threshold: float, per_label: dict[str, float] | None = None,
         top_k: int = 0) -> list[Document]:
    """The documents with the relations the model predicts at these thresholds."""
    per_label = per_label or {}
    out = []
    for d in docs:
        above = [r for r in d.relations if r.score > per_label.get(r.label, threshold)]
        if top_k:
            by_pair = defaultdict(list)
            for r in above:
                by_pair[r.head, r.tail].append(r)
            above = [r for rs in by_pair.values()
                     for r in sorted(rs, key=lambda r: -r.score)[:top_k]]
        out.append(replace(d, relations=above))
    return out


def scores(gold: list[Document], predicted: list[Document]) -> dict:
    return metrics.evaluate(gold, predicted, "gutbrainie")


def objective(s: dict) -> float:
    return sum(s[t].micro()[2] for t in RE_TASKS) / len(RE_TASKS)


def summary(s: dict) -> dict:
    """Micro P / R / F1 of each subtask, with predicted and gold counts."""
    out = {}
    for task, score in s.items():
        p, r, f = score.micro()
        tp, fp, fn = (sum(c.values()) for c in (score.tp, score.fp, score.fn))
        out[task] = {"micro_p": round(p, 4), "micro_r": round(r, 4), "micro_f1": round(f, 4),
                     "macro_f1": round(score.macro()[2], 4), "predicted": tp + fp,
                     "gold": tp + fn}
    out["re_mean_micro_f1"] = round(objective(s), 4)
    return out


def best_threshold(gold, predicted) -> float:
    return max(GRID, key=lambda t: (objective(scores(gold, kept(predicted, t))), t == ATLOP))


def per_label_thresholds(gold, predicted, start: float) -> dict[str, float]:
    """One pass of coordinate ascent over the relation labels, from the global threshold."""
    chosen: dict[str, float] = {}
    for label in sorted({r.label for d in predicted for r in d.relations}):
        chosen[label] = max(GRID, key=lambda t: (objective(scores(
            gold, kept(predicted, start, {**chosen, label: t}))), t == start))
    return {k: v for k, v in chosen.items() if v != start}


def pooled(halves, choose, apply) -> dict:
    """Choose on one half, score the other, both ways; the counts of the two pooled."""
    total = None
    for pick, held in (halves, halves[::-1]):
        setting = choose(*pick)
        s = scores(held[0], apply(held[1], setting))
        if total is None:
            total = s
        else:
            for task in total:
                total[task] += s[task]
    return total


def cut_in_halves(gold: list[Document], predicted: list[Document], seed: int) -> list[tuple]:
    """The carve in two seeded halves, each (gold, predicted): choose on one, score the other."""
    order = sorted(d.id for d in gold)
    random.Random(seed).shuffle(order)
    half = set(order[:len(order) // 2])
    return [([d for d in gold if (d.id in half) == side],
             [d for d in predicted if (d.id in half) == side]) for side in (True, False)]


def dev_documents(ids_file: Path) -> list[Document]:
    """The platinum + gold documents listed in `ids_file`."""
    ids = listed_ids(ids_file)
    return [d for name in ("train_platinum.json", "train_gold.json")
            for d in formats.read(DATA / name, "gutbrainie") if d.id in ids]


def copy_with_threshold(model: Path, out: Path, threshold: float) -> None:
    """`model` copied to `out` with `model.threshold` set in its config: what ships."""
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(model, out)
    config_file = out / "config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    config["model"]["threshold"] = threshold
    config_file.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")


def write_calibrated(results: dict, model: Path, chosen: float, out: Path, json_file: Path
                     ) -> None:
    """`model` with the `chosen` threshold written to `out`, and `results` (naming it) to
    `json_file` for the runner's record; the choice and its cross-validation printed."""
    copy_with_threshold(model, out, chosen)
    results["calibrated_model"] = str(out)
    json_file.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps({k: results[k] for k in ("chosen_threshold", "cross_validated")}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ner", type=Path, required=True)
    parser.add_argument("--re", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True,
                        help="the RE model with the chosen threshold, written here")
    parser.add_argument("--dev-ids", type=Path, default=CARVE, help="the documents of platinum "
                        "+ gold scored and calibrated on (a cross-validation fold: "
                        "configs/gutbrainie-fold{k}-ids.txt, bench/gutbrain_carve.py --folds)")
    parser.add_argument("--seed", type=int, default=13, help="the carve's cut in halves")
    parser.add_argument("--json", type=Path, required=True)
    args = parser.parse_args()
    dev = dev_documents(args.dev_ids)
    ner, re = load_model(args.ner), load_model(args.re)
    floor = re.config.model_copy(update={"threshold": GRID[0], "relation_thresholds": {}})
    re.config = floor
    start = time.perf_counter()
    found = list(ner.predict(dev))
    ner_seconds = time.perf_counter() - start
    start = time.perf_counter()
    end_to_end = list(re.predict(found))
    re_seconds = time.perf_counter() - start
    inputs = {"pipeline": end_to_end, "gold_entities": list(re.predict(dev))}
    chosen = best_threshold(dev, inputs["pipeline"])
    results = {
        "dev": f"{DATA}/train_platinum.json + train_gold.json (the {len(dev)} documents in "
               f"{args.dev_ids})", "ner": str(args.ner), "re": str(args.re), "grid": list(GRID),
        "chosen_threshold": chosen, "objective": "mean micro F1 of "
        + ", ".join(RE_TASKS) + ", end to end",
        "pipeline_abstracts_per_s": round(len(dev) / (ner_seconds + re_seconds), 2)}
    for name, predicted in inputs.items():
        results[name] = {
            "by_threshold": {str(t): summary(scores(dev, kept(predicted, t))) for t in GRID},
            "atlop": summary(scores(dev, kept(predicted, ATLOP))),
            "chosen": summary(scores(dev, kept(predicted, chosen))),
            **{f"{rule}_top{k}": summary(scores(dev, kept(predicted, t, top_k=k)))
               for rule, t in (("atlop", ATLOP), ("chosen", chosen)) for k in TOP_K}}
    if args.dev_ids == CARVE:  # the old carve lies inside this one, not inside a fold
        old = listed_ids(OLD_CARVE)
        old_dev = [d for d in dev if d.id in old]
        for name, predicted in inputs.items():
            subset = [d for d in predicted if d.id in old]
            results[name]["old_carve"] = {
                "documents": len(old_dev), "atlop": summary(scores(old_dev, kept(subset, ATLOP))),
                "chosen": summary(scores(old_dev, kept(subset, chosen)))}
    halves = cut_in_halves(dev, inputs["pipeline"], args.seed)
    results["cross_validated"] = {
        "halves": [len(h[0]) for h in halves],
        "atlop": summary(pooled(halves, lambda g, p: ATLOP, lambda p, t: kept(p, t))),
        "global": summary(pooled(halves, best_threshold, lambda p, t: kept(p, t))),
        "global_choices": [best_threshold(*h) for h in halves],
        "per_label": summary(pooled(
            halves, lambda g, p: (t := best_threshold(g, p), per_label_thresholds(g, p, t)),
            lambda p, s: kept(p, s[0], s[1]))),
    }
    write_calibrated(results, args.re, chosen, args.out, args.json)


if __name__ == "__main__":
    main()
