"""Write every report in bench/results/ from the records in bench/results/records/ (made by
bench/run.py from bench/experiments.toml), and nothing else: a report that names an experiment
with no record fails, naming it, and then no report is written.

Run: .venv/bin/python bench/report.py
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile

import pages
from generative_report import generative
from gutbrain_folds_report import folds
from gutbrain_report import calibration, tiers
from llm_report import llm
from serve_report import serve
from software_report import software_papers
from transition_report import transition
from records import RESULTS, MissingRecord, Record, machines, mean_std, named

# the assay runs set against the peers: (run name, what it is)
AGAINST_PEERS = [("joint", "the paper's BIO head, patience 5"),
                 ("joint-lstm-crf", "with a BiLSTM and a CRF, patience 5"),
                 ("joint-lstm-crf-p10", "the same with patience 10 (`configs/somd-joint.toml`)"),
                 ("joint-lstm-crf-ema", "the same with a moving average of the weights "
                  "(`--set train.ema=0.995`)")]
# the experiments each table shows, in its order
SOMD = ["joint", "disjoint", "joint-lstm-crf", "joint-lstm-crf-p10", "disjoint-lstm-crf-p10",
        "joint-lstm-crf-ema"]
VARIANTS = ["joint-nochar", "joint-fullft", "joint-crf", "joint-lstm", "joint-spans",
            "software-lora", "software-lstm-crf", "software-ema"]
PEERS = ["peer-gliner-whitespace", "peer-gliner", "peer-spacy"]
STRICT = ["scierc-joint", "conll04-joint"]
BC5CDR = ["bc5cdr-atlop", "bc5cdr-atlop-fixed"]
GUTBRAIN = ["gutbrain-span", "gutbrain-atlop", "gutbrain-atlop-wide"]
GUTBRAIN_DEV60 = ["gutbrain-span-dev60", "gutbrain-atlop-dev60"]


def table(names: list[str]) -> str:
    """Markdown: per run, each dev score's micro and macro F1 as mean ± std over its seeds,
    its seconds per epoch and its epochs (selected/run)."""
    lines = []
    for name in names:
        records = named(name)
        runs = [r.results for r in records]
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
        lines.append(f"| {name} | {', '.join(str(r.seed) for r in records)} | "
                     + " | ".join(cells)
                     + f" | {statistics.mean(r['seconds_per_epoch'] for r in runs):.0f} | "
                     + ", ".join(f"{r['best_epoch']}/{r['epochs_run']}" for r in runs) + " |")
    return "\n".join(lines) + "\n"


def section(title: str, names: list[str], text: str) -> list[str]:
    commands = [r.command for n in names for r in named(n)]
    return [f"## {title}", "", text, "", table(names), "Commands:", "",
            *[f"- `{c}`" for c in commands], ""]


def made_by(names: list[str]) -> str:
    return ("Made by `bench/report.py` from the records in `bench/results/records/`. "
            + machines([r for n in names for r in named(n)]))



def joint() -> str:
    lines = ["# The joint family: SOMD 2025, SciERC, CoNLL04 (dev sets)", "",
             made_by(SOMD + VARIANTS + PEERS + STRICT) + " Encoder: the packaged "
             "all-MiniLM-L6-v2. Each cell is the mean ± standard deviation over the seeds "
             "listed, at the epoch selected on dev by the recipe's metric; `epochs` is "
             "selected/run.", ""]
    lines += section("SOMD 2025 dev: joint against disjoint training", SOMD,
                     "Protocol `somd`; selection on `total.macro_f1`; recipe "
                     "`configs/somd-joint.toml` (its commands below give the settings that "
                     "differ from it). `joint` and `disjoint`: the paper's system, a token "
                     "classifier with cross-entropy over IOB2 tags, patience 5; disjoint with "
                     "`--set model.training=disjoint` (an encoder each for NER and RE, no "
                     "gradient shared). `joint-lstm-crf`: joint, with a BiLSTM (128 per "
                     "direction) over the unit vectors and a CRF over the tags (the shipped "
                     "model's heads). Its early stopping (patience 5 on a macro F1 over 14 entity "
                     "and 8 relation types, which jumps by several points between epochs) ended "
                     "two of its seeds at epochs 9 and 10, while their entity F1 was still "
                     "rising: see the selections against the peers below. `joint-lstm-crf-p10`: "
                     "the same with patience 10, the recipe as it stands, and "
                     "`disjoint-lstm-crf-p10` its disjoint twin (its seeds ran one thread each "
                     "beside another training: s/epoch not comparable). `joint-lstm-crf-ema`: "
                     "the same again, its dev scores and saved model from a moving average of "
                     "the weights (`--set train.ema=0.995`, about 1.5 epochs' horizon): its "
                     "entity F1 moves less from epoch to epoch, but it selects no better, and "
                     "seed 14 stopped at epoch 14 with its best total macro F1 at epoch 4 (its "
                     "seeds ran one thread each beside another training: s/epoch not "
                     "comparable). The runs trained before the recipe took the BiLSTM, the CRF "
                     "and patience 10 say so in their records' notes.")
    lines += section("SOMD 2025 dev: variants (one seed)", VARIANTS,
                     "Each `joint-*` run changes one thing (two for `joint-spans`) in `joint` "
                     "(the paper's head, patience 5), seed 13. "
                     "`joint-nochar`: no character CNN. `joint-fullft`: the word embeddings "
                     "fine-tuned too (then the model cannot be shipped as only what it tuned: "
                     "45 MB in half precision). `joint-crf`: a linear-chain CRF "
                     "over the tags (`model.ner_loss = \"crf\"`) instead of token-level "
                     "cross-entropy; in its `log.jsonl` it learns faster in the first epochs, but "
                     "its best entity F1 of any epoch is below the softmax head's, and "
                     "selection on total macro F1 stopped it at epoch 10. `joint-lstm`: a BiLSTM (128 "
                     "per direction) over the unit vectors with their shape and character "
                     "features, its outputs beside them (`model.context_dim = 128`). "
                     "`joint-spans`: a span head instead of IOB2 tags (`model.ner_loss = "
                     "\"spans\"`, spans of up to 20 units, the likeliest kept first, no overlaps). "
                     "`software-lora`: the first shipped model's recipe: LoRA adapters of rank "
                     "16 on every linear layer of a frozen encoder, 4.3 MB of float32 weights "
                     "with the heads. `software-lstm-crf`: the shipped model's recipe now "
                     "(`configs/software.toml`), the same with the BiLSTM and the CRF. "
                     "`software-ema`: that recipe with a moving average of the weights "
                     "(`--set train.ema=0.995`): higher micro F1, lower macro F1, so not shipped "
                     "(its epochs 4 to 6 shared the CPU with a test run). "
                     "(joint-nochar shared the CPU with test runs: its s/epoch is not comparable.)")
    lines += peer_section()
    lines += section("SciERC and CoNLL04 dev", STRICT,
                     "Protocol `strict`: entities strict, relations strict (spans and types of "
                     "both arguments) and boundary (spans only); selection on "
                     "`relations_strict.micro_f1`.")
    lines += ["## Extraction speed", "",
              "The shipped model's speed against its encoder's ceiling and the peers, all in "
              "one run: `bench/results/speed_cpu.md` (`bench/run.py speed-cpu`).", ""]
    return "\n".join(lines)


def peer_section() -> list[str]:
    peers = {name: named(name) for name in PEERS}
    ours = [(name, text, named(name)) for name, text in AGAINST_PEERS]
    f1 = {name: mean_std([r.results["dev"]["entities"]["micro_f1"] for r in rs])
          for name, rs in peers.items()}
    lines = ["## SOMD 2025 dev entities against the peers", "",
             "Entity micro F1 under the `somd` protocol (IOB2, strict), mean over the seeds of "
             "each assay run above, at two selections: the recipe's (the epoch with the best "
             "dev total macro F1, relations included) and the one spaCy makes (the epoch with "
             "the best dev entity F1 among the epochs the same runs trained, read from their "
             "per-epoch logs; a run trained with `--set train.metric=entities.micro_f1` "
             "goes through the same epochs, but its early stopping may let it train longer). "
             "Each peer runs with the settings in its script (`bench/peers/`), over the seeds "
             "listed; spaCy selects its best step on dev entity F1 itself, gliner trains a "
             "fixed number of steps. `peer-gliner` reads text as the words of gliner's own "
             "splitter, `peer-gliner-whitespace` as SOMD's tokens. Training seconds and "
             "extraction speeds (the peer's own prediction loop over the 114 dev sentences, "
             "one pass) are per run; the like-for-like speed table is in the last section.", "",
             "| peer | seeds | entity micro F1 | training | extraction |", "|---|---|---|---|---|"]
    for name, rs in peers.items():
        mean, std = f1[name]
        lines.append(f"| {name} | {', '.join(str(r.seed) for r in rs)} | "
                     f"{mean:.4f} ± {std:.4f} | "
                     f"{', '.join(str(r.results['train_seconds']) for r in rs)} s | "
                     f"{', '.join(str(r.results['sentences_per_s']) for r in rs)} sentences/s |")
    lines += ["", "| assay run | seeds | selected on | entity micro F1 | "
              + " | ".join(f"assay / {name}" for name in peers) + " |",
              "|---" * (4 + len(peers)) + "|"]
    for name, text, rs in ours:
        for selection, values in [
                ("total macro F1", [r.results["dev"]["entities"]["micro_f1"] for r in rs]),
                ("entity micro F1",
                 [r.results["best_by_score"]["entities"]["micro_f1"] for r in rs])]:
            mean, std = mean_std(values)
            ratios = " | ".join(f"{mean / f1[p][0]:.3f}" for p in peers)
            lines.append(f"| {name}: {text} | {', '.join(str(r.seed) for r in rs)} | "
                         f"{selection} | {mean:.4f} ± {std:.4f} | {ratios} |")
    lines += ["", *[f"- `{r.command}` ({r.date})" + (f": {r.note}" if r.note else "")
                    for rs in peers.values() for r in rs], ""]
    return lines



def docre() -> str:
    lines = ["# The span and docre families: BC5CDR CID and GutBrainIE 2025 (dev sets)", "",
             made_by(BC5CDR + GUTBRAIN + GUTBRAIN_DEV60) + " Encoder: the packaged "
             "all-MiniLM-L6-v2. One seed each, at the epoch selected on dev; `epochs` is selected/run. These are short "
             "trainings that fit this CPU (a few hundred steps; ATLOP trains for 30 epochs): "
             "read them as what the families reach in that budget, not as converged figures.",
             ""]
    lines += section("BC5CDR CID dev: adaptive against fixed thresholding", BC5CDR,
                     "`docre` over gold chemical and disease concepts (mention groups by MeSH "
                     "id), scored at concept level (protocol `cid`); `configs/bc5cdr-atlop.toml`"
                     ", the fixed run with `--set model.thresholding=fixed` (binary "
                     "cross-entropy, a relation above 0.5). Embeddings and layers 0-2 frozen.")
    lines += section("GutBrainIE 2025 dev carve: the pipeline's two models", GUTBRAIN,
                     "Train: platinum + gold less the 22 carved platinum documents "
                     "(`configs/gutbrainie-dev-ids.txt`). `gutbrain-span`: NER (its RE scores "
                     "are 0: it finds no relations); `gutbrain-atlop`: RE over gold entities "
                     "(NER 1.0 by construction). LoRA adapters (rank 16) on both. The pipeline "
                     "end to end: `bench/results/gutbrainie.md`. `gutbrain-atlop-wide`: the first "
                     "recipe, with ATLOP's classifier sizes (emb_size 768 in blocks of 64), "
                     "batches of 4 and the classifier at 1e-4: the threshold class still won "
                     "almost every pair when it was stopped after 2 of its 6 epochs (its epochs "
                     "shared the CPU with test runs). The smaller classifier of "
                     "`configs/gutbrain-atlop.toml` with batches of 2 learns from the first "
                     "epoch.")
    lines += section("GutBrainIE 2025, the 60-document dev carve", GUTBRAIN_DEV60,
                     "The same two recipes with `--set data.dev_ids=configs/gutbrainie-dev60-"
                     "ids.txt` (bench/gutbrain_carve.py: the 22 documents above and 38 more of "
                     "platinum + gold by relation-count quartile); they train on the 259 "
                     "documents it leaves. RE at ATLOP's threshold (0.5); the threshold "
                     "calibrated on this carve, and the pipeline end to end: "
                     "`bench/results/gutbrainie_calibration.md`.")
    return "\n".join(lines)


def reports() -> dict[str, str]:
    """Every report of bench/results/ by file name (a MissingRecord when a record is not there)."""
    return {"joint.md": joint(), "docre.md": docre(), "transition.md": transition(),
            "llm.md": llm(), "generative.md": generative(), "serve.md": serve(),
            "software_papers.md": software_papers(),
            "gutbrainie.md": pages.gutbrainie(*named("gutbrain-pipeline")),
            "gutbrainie_peers.md": pages.gutbrainie_peers(*named("gutbrain-gliner")),
            "gutbrainie_calibration.md": calibration(*named("gutbrain-calibrate")),
            "gutbrainie_tiers.md": tiers(),
            "gutbrainie_folds.md": folds(),
            "speed_cpu.md": pages.speed(*named("speed-cpu")),
            "dataset_counts.md": pages.dataset_counts(*named("dataset-counts")),
            "fuzzing.md": pages.fuzzing(*named("fuzz-formats"))}


def main() -> int:
    try:
        written = reports()
    except MissingRecord as err:
        print(f"bench/report.py: {err}; no report written", file=sys.stderr)
        return 1
    for name, text in written.items():
        handle, temporary = tempfile.mkstemp(dir=RESULTS, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, RESULTS / name)
        print(f"wrote bench/results/{name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
