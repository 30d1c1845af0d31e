"""The peers a user would otherwise train for whole papers, on the data the `software` model
trains on (configs/software-papers.toml: SOMD 2025 train + SoMeSci train, types mapped, SOMD
and SoMeSci dev sentences left out, SoMeSci's sentences without a mention at the recipe's
`empty_weight`), scored as bench/software_papers.py scores assay's models: SOMD dev entities
(somd protocol) and SoMeSci devel whole documents (strict, per type, false positives per 1,000
mention-free sentences, sentences/s). spaCy's CNN NER or the `gliner` library on the same
MiniLM, each in its own environment (bench/peers/*.py says how to make them).

Run through the runner, which records the result (bench/experiments.toml:
software-peer-spacy, software-peer-gliner):
    .venv/bin/python bench/run.py software-peer-spacy
    (which runs: .venv/bin/python bench/software_peers.py spacy --json RESULT.json)

The peers see sentences: every training document is cut into the sentences assay's windows
are made of (bench/peer_sentences.py), and so is every dev document, whose predicted
sentences are put back into the whole document before scoring. A sentence is its units
joined by single spaces, so punctuation comes apart from words ("v2 . 1"): not SOMD's own
tokens, which bench/somd_peers.py gives its peers, so the two harnesses' SOMD figures do not
compare. A dev entity that does not start and end on units is in no sentence and found by no
peer (`gold_in_no_sentence`; assay's own models can find those that cross sentences).
assay draws a fresh share of the mention-free sentences every epoch; a peer's trainer takes a
fixed file, so it gets one draw of the same share (seed 13, for every peer and seed). spaCy
selects on SOMD dev + SoMeSci devel sentences (its entity F1; assay's run selected on whole
documents, entities and relations); gliner's trainer selects nothing.

Training budgets differ: assay's `software` trained 8 epochs (about 4,600 steps of 8) after a
SOMD-only stage (`init_from`); spaCy takes up to 3,000 steps; gliner's default 1,300 steps
of 8 are about 2.3 passes over the data and, at its max width of 24 words, take about 110
minutes on a 2-core CPU (about 5 s a step; assay's run took 0.3 s): a run for a GPU session,
or `--steps`.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
from pathlib import Path
from types import SimpleNamespace

from peer_sentences import from_records, in_no_sentence, sentence_records, write_jsonl
from software_papers import SOMD_DEV, brief, somesci_devel

from assay import formats, metrics
from assay.metrics.documents import mention_free
from assay.models.encoders import resolve_backbone
from assay.training.data import in_dev, read_sources
from assay.training.recipe import load_recipe

RECIPE = "configs/software-papers.toml"
WORK = Path("build/peers")
DRAW_SEED = 13  # the draw of mention-free sentences: the same data for every peer and seed


def training_records(seed: int) -> tuple[list[dict], dict]:
    """The recipe's training data as sentence records, and what each source gave."""
    recipe = load_recipe(RECIPE)
    data, dev = read_sources(recipe.data)
    records, maps = sentence_records(data.docs, cut=True)
    leaked = in_dev([SimpleNamespace(doc=k, units=units) for k, units, *_ in maps],
                    data.docs, dev)
    groups = [{"dev": 0, "with": [], "without": [], "given": 0} for _ in data.names]
    for record, (d, *_), bad in zip(records, maps, leaked):
        group = groups[data.source[d]]
        group["given"] += len(record["entities"])
        if bad:
            group["dev"] += 1
        else:
            group["with" if record["entities"] else "without"].append(record)
    rng = random.Random(seed)
    kept, counts = [], {}
    for k, (name, source, group) in enumerate(zip(data.names, recipe.data.all_sources(),
                                                   groups)):
        empty = group["without"]
        drawn = rng.sample(empty, min(len(empty), round(source.empty_weight * len(empty))))
        kept += group["with"] + drawn
        gold = sum(len(d.entities) for d, s in zip(data.docs, data.source) if s == k)
        counts[name] = {"documents": data.source.count(k),
                        "sentences": len(group["with"]) + len(empty) + group["dev"],
                        "left_out_as_dev_sentences": group["dev"],
                        "without_entities": len(empty), "without_entities_drawn": len(drawn),
                        "trained_on": len(group["with"]) + len(drawn),
                        "entities_across_sentences": gold - group["given"]}
    rng.shuffle(kept)
    return kept, counts


def peer_command(name: str, train: Path, select: Path, predict: list[tuple[Path, Path]],
                 seed: int | None, steps: int | None) -> list[str]:
    python = str(WORK / name / "bin" / "python")
    seeded = ["--seed", str(seed)] if seed is not None else []
    stepped = ["--max-steps" if name == "spacy" else "--steps", str(steps)] if steps else []
    outputs = [str(p) for pair in predict for p in ("--predict", *pair)]
    if name == "spacy":
        return [python, "bench/peers/spacy_ner.py", str(train), str(select), *outputs,
                "--work", str(WORK / "spacy-papers"), *stepped, *seeded]
    return [python, "bench/peers/gliner_ner.py", str(train), str(select), *outputs,
            "--encoder", resolve_backbone("minilm"), "--work", str(WORK / "gliner-papers"),
            "--max-width", "24", *stepped, *seeded]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", choices=["spacy", "gliner"])
    parser.add_argument("--seed", type=int, help="the peer's training seed")
    parser.add_argument("--steps", type=int,
                        help="training steps (default: the peer's own, spaCy 3000, gliner 1300)")
    parser.add_argument("--json", type=Path, required=True, help="write the result here")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    train, counts = training_records(DRAW_SEED)
    somd, papers = list(formats.read(SOMD_DEV, "somd")), somesci_devel()
    (somd_records, somd_maps), (paper_records, paper_maps) = (
        sentence_records(somd, cut=False), sentence_records(papers, cut=False))
    # each peer its own input files: a second peer started meanwhile rewrites none of them
    files = {what: WORK / f"{args.name}-papers-{what}.jsonl"
             for what in ("train", "select", "somd-dev", "somesci-devel")}
    for what, records in (("train", train), ("select", somd_records + paper_records),
                          ("somd-dev", somd_records), ("somesci-devel", paper_records)):
        write_jsonl(records, files[what])
    outs = {what: WORK / f"{args.name}-papers-{what}-predicted.jsonl"
            for what in ("somd-dev", "somesci-devel")}
    command = peer_command(args.name, files["train"], files["select"],
                           [(files[w], outs[w]) for w in outs], args.seed, args.steps)
    done = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True)
    *progress, last = done.stdout.strip().splitlines()
    print("\n".join(progress), flush=True)  # the peer's training log, to the run's own
    peer = json.loads(last)

    def back(what: str, gold: list, maps: list) -> list:
        found = [json.loads(line) for line in outs[what].read_text().splitlines()]
        return from_records(gold, found, maps)

    somd_scores = metrics.to_json(metrics.evaluate(
        somd, back("somd-dev", somd, somd_maps), "somd"))
    predicted = back("somesci-devel", papers, paper_maps)
    strict = metrics.to_json(metrics.evaluate(papers, predicted, "strict"))
    speed = peer["predicted"][str(files["somesci-devel"])]
    result = {"peer": args.name, "training_data": counts,
              "somd_dev": {"entities": brief(somd_scores["entities"]),
                           "gold_in_no_sentence": in_no_sentence(somd, somd_records)},
              "somesci_devel": {"entities": brief(strict["entities_strict"]),
                                "mention_free": mention_free(papers, predicted),
                                "gold_in_no_sentence": in_no_sentence(papers, paper_records)},
              "sentences": speed["sentences"], "seconds": speed["predict_seconds"],
              "sentences_per_s": speed["sentences_per_s"],
              "train_seconds": peer["train_seconds"],
              "settings": {k: peer[k] for k in ("seed", "steps", "max_width", "words", "lr",
                                                "others_lr") if k in peer},
              "command": " ".join(command).replace(resolve_backbone("minilm"), "$MINILM"),
              "packages": {args.name: peer["packages"]}}
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(args.name, "SOMD dev entities F1", result["somd_dev"]["entities"]["micro_f1"],
          "| SoMeSci devel entities P/R/F1", *(result["somesci_devel"]["entities"][k]
                                               for k in ("micro_p", "micro_r", "micro_f1")),
          "| false positives per 1,000 mention-free sentences",
          result["somesci_devel"]["mention_free"]["per_1000"],
          f"| {result['sentences_per_s']} sentences/s")


if __name__ == "__main__":
    main()
