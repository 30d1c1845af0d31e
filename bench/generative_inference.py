"""AnchorAlign's inference ablations on one trained `generative` model: the same weights
scored on dev with the union of the two RE directions and the anchor filter (the full model),
without the filter, without the union (forward decoder alone), and without both; with the
seconds each prediction took and the outputs cut at `max_output`; and, with `--against`,
another model (the `joint` family's on the same data) timed and scored on the same sentences.

Run through the runner after the training run it names, which records the result
(bench/experiments.toml: conll04-generative-inference, scierc-generative-inference):
    .venv/bin/python bench/run.py conll04-generative-inference
    (which runs: .venv/bin/python bench/generative_inference.py --model
        build/runs/conll04-generative-s13 --data ../shared/datasets/conll04/dev.json
        --format spert --against build/runs/conll04-joint-s13 --json RESULT.json)
"""
from __future__ import annotations

import argparse
import json
import time

from assay import formats, metrics
from assay.models.registry import load_model
from assay.text.sentences import sentence_spans

VARIANTS = {"full": (True, True), "no filter": (True, False), "no union": (False, True),
            "no union, no filter": (False, False)}
SCORES = ("relations_strict", "relations_boundary", "entities_strict")


def timed_scores(model, gold: list) -> tuple[list, dict]:
    """The model's predictions of the gold documents (annotations replaced), the seconds they
    took and their strict scores (micro P, R, F1 of SCORES)."""
    start = time.perf_counter()
    predicted = list(model.predict(gold))
    seconds = time.perf_counter() - start
    scores = metrics.to_json(metrics.evaluate(gold, predicted, "strict"))
    return predicted, {"seconds": round(seconds, 1), **{
        s: {k: scores[s][k] for k in ("micro_p", "micro_r", "micro_f1")} for s in SCORES}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--format", required=True)
    parser.add_argument("--against", help="another model directory (the joint family's on the "
                        "same data), timed and scored on the same documents")
    parser.add_argument("--seed", type=int, help="the training run's seed (model MODEL-sSEED)")
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    path = f"{args.model}-s{args.seed}" if args.seed is not None else args.model
    gold = list(formats.read(args.data, args.format))
    model = load_model(path)
    # a SciERC document is an abstract of several sentences; a CoNLL04 one is a sentence
    results = {"model": path, "data": args.data, "documents": len(gold),
               "sentences": sum(len(sentence_spans(d)) for d in gold), "variants": {}}
    for name, (aggregate, anchor_filter) in VARIANTS.items():
        model.config = model.config.model_copy(
            update={"aggregate": aggregate, "anchor_filter": anchor_filter})
        predicted, found = timed_scores(model, gold)
        results["variants"][name] = {
            **found, "documents_cut": sum(bool(d.meta.get("generative")) for d in predicted)}
        print(name, {s: round(found[s]["micro_f1"], 4) for s in SCORES},
              f"{found['seconds']:.0f} s")
    if args.against:
        other = load_model(args.against)
        _, found = timed_scores(other, gold)
        results["against"] = {"model": args.against, "family": other.family.name, **found}
        print(args.against, f"{found['seconds']:.0f} s")
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
