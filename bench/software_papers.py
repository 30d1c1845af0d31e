"""The `software` model as its users run it: on whole papers (SoMeSci devel: 109 whole methods
sections, articles and sentence sets, read as documents, every sentence kept) beside the
benchmark sentences (SOMD 2025 dev). For each model: SOMD dev under the somd protocol;
SoMeSci devel under strict matching, per type, with the false positives in sentences without
a gold entity (per 1,000 of them); and the speed on the whole documents, sentences/s. With
`--roles`, a model of SoMeSci's own labels (the mention's role kept) on SoMeSci devel.

Run through the runner, which records the result (bench/experiments.toml: software-papers):
    .venv/bin/python bench/run.py software-papers
    (which runs: .venv/bin/python bench/software_papers.py --model software-somd
        --model build/runs/software-papers-s13 --roles build/runs/software-roles-s13
        --json RESULT.json)
"""
from __future__ import annotations

import argparse
import json
import time

import torch

from assay import formats, metrics
from assay.formats.base import only_listed
from assay.labels import SOMESCI_ROLES, SOMESCI_SOFTWARE, LabelMap, parse_label_map
from assay.metrics.documents import mention_free
from assay.pipeline import load

SOMD_DEV = "../shared/datasets/somd2025/dev"
SOMESCI = "../shared/datasets/somesci"
SOMESCI_DEVEL_IDS = "configs/somesci-devel-ids.txt"


def somesci_devel(roles: bool = False) -> list:
    """SoMeSci devel's documents, software types mapped to SOMD's (or, with `roles`, as
    SoMeSci has them: `Application_Usage` ...)."""
    docs = only_listed(formats.read(SOMESCI, "brat"), SOMESCI_DEVEL_IDS)
    return docs if roles else list(map(LabelMap(parse_label_map("somesci")), docs))


def roles_only() -> LabelMap:
    """Software mentions to their role alone (`Application_Usage` -> `Usage`), the rest left
    out: is each mention found with its role, whatever its type."""
    return LabelMap({f"{kind}_{role}": role for kind in SOMESCI_SOFTWARE
                     for role in SOMESCI_ROLES}, keep=frozenset(SOMESCI_ROLES))


def measure_roles(name: str) -> dict:
    """A model of SoMeSci's labels (roles kept) on SoMeSci devel: strict with roles, per
    label; by role alone; and by type alone (its output mapped to SOMD's types)."""
    gold = somesci_devel(roles=True)
    predicted = list(load(name).pipe(gold))
    scores = {}
    for what, relabel in (("labels", None), ("roles", roles_only()),
                          ("types", LabelMap(parse_label_map("somesci")))):
        pairs = (gold, predicted) if relabel is None else \
            ([relabel(d) for d in gold], [relabel(d) for d in predicted])
        scores[what] = brief(metrics.to_json(metrics.evaluate(*pairs, "strict"))[
            "entities_strict"])
    return scores


def brief(score: dict) -> dict:
    return {k: round(score[k], 4) for k in ("micro_p", "micro_r", "micro_f1", "macro_f1")} | {
        "support": score["support"],
        "by_label": {label: {k: round(v, 4) if k != "support" else v for k, v in s.items()}
                     for label, s in score.get("per_label", {}).items()}}


def measure(name: str, somd: list, papers: list) -> dict:
    pipeline = load(name)
    somd_scores = metrics.to_json(metrics.evaluate(somd, list(pipeline.pipe(somd)), "somd"))
    start = time.perf_counter()
    predicted = list(pipeline.pipe(papers))
    seconds = time.perf_counter() - start
    strict = metrics.to_json(metrics.evaluate(papers, predicted, "strict"))
    quiet = mention_free(papers, predicted)
    sentences = quiet["sentences"]
    return {"somd_dev": {k: brief(somd_scores[k]) for k in ("entities", "relations", "total")},
            "somesci_devel": {"entities": brief(strict["entities_strict"]),
                              "relations": brief(strict["relations_strict"]),
                              "mention_free": quiet},
            "seconds": round(seconds, 1), "sentences": sentences,
            "sentences_per_s": round(sentences / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", required=True,
                        help="a shipped model's name or a model directory (repeatable)")
    parser.add_argument("--roles", action="append", default=[],
                        help="a model of SoMeSci's labels, roles kept (repeatable)")
    parser.add_argument("--seed", type=int, help="unused: the models are named whole")
    parser.add_argument("--json", required=True)
    args = parser.parse_args()
    torch.set_num_threads(2)
    somd, papers = list(formats.read(SOMD_DEV, "somd")), somesci_devel()
    results = {"somd_dev": SOMD_DEV, "somesci_devel": f"{SOMESCI} ({SOMESCI_DEVEL_IDS}, "
               "label map somesci)", "documents": len(papers), "models": {}}
    for name in args.model:
        found = measure(name, somd, papers)
        results["models"][name] = found
        paper = found["somesci_devel"]
        print(name, "SOMD dev entities F1", found["somd_dev"]["entities"]["micro_f1"],
              "| SoMeSci devel entities P/R/F1",
              *(paper["entities"][k] for k in ("micro_p", "micro_r", "micro_f1")),
              "| false positives per 1,000 mention-free sentences",
              paper["mention_free"]["per_1000"], f"| {found['sentences_per_s']} sentences/s",
              flush=True)
    results["roles"] = {}
    for name in args.roles:
        results["roles"][name] = found = measure_roles(name)
        print(name, {k: v["micro_f1"] for k, v in found.items()}, flush=True)
    with open(args.json, "w", encoding="utf-8") as out:
        json.dump(results, out, indent=2)


if __name__ == "__main__":
    main()
