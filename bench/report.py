"""Write bench/results/joint.md and bench/results/docre.md from the run summaries in
bench/results/runs/ (made by bench/train_runs.py and bench/somd_peers.py).

Run: .venv/bin/python bench/report.py
"""
from __future__ import annotations

import json
import statistics
from pathlib import Path

from train_runs import RUNS, table

OUT = Path("bench/results/joint.md")
DOCRE = Path("bench/results/docre.md")


def runs(name: str) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(RUNS.glob(f"{name}-s*.json"))]


def section(title: str, names: list[str], text: str) -> list[str]:
    present = [n for n in names if runs(n)]
    if not present:
        return []
    commands = [r["command"] for n in present for r in runs(n)]
    return [f"## {title}", "", text, "", table(present), "Commands:", "",
            *[f"- `{c}`" for c in commands], ""]


def main() -> None:
    lines = ["# The joint family: SOMD 2025, SciERC, CoNLL04 (dev sets)", "",
             "Made by `bench/report.py` from `bench/results/runs/*.json`. Machine: x86_64, 2 CPU "
             "cores, no GPU. Encoder: the packaged all-MiniLM-L6-v2. Each cell is the mean ± "
             "standard deviation over the seeds listed, at the epoch selected on dev by the "
             "recipe's metric; `epochs` is selected/run.", ""]
    lines += section("SOMD 2025 dev: joint against disjoint training", ["joint", "disjoint"],
                     "Protocol `somd`; selection on `total.macro_f1`; recipe "
                     "`configs/somd-joint.toml`, disjoint with `--set model.training=disjoint` "
                     "(an encoder each for NER and RE, no gradient shared).")
    lines += section("SOMD 2025 dev: variants (one seed)",
                     ["joint-nochar", "joint-fullft", "joint-richpair", "joint-crf",
                      "software-lora"],
                     "`joint-nochar`: no character CNN. `joint-fullft`: the word embeddings "
                     "fine-tuned too (then the model cannot be shipped as only what it tuned: "
                     "45 MB in half precision). `joint-richpair`: mean-pooled entities with a "
                     "label embedding in the pair representation. `joint-crf`: a linear-chain CRF "
                     "over the tags (`model.ner_loss = \"crf\"`) instead of token-level "
                     "cross-entropy; in its `log.jsonl` it learns faster in the first epochs, but "
                     "its best entity F1 of any epoch is below the softmax head's, and "
                     "selection on total macro F1 stopped it at epoch 10. "
                     "`software-lora`: the shipped model's "
                     "recipe (`configs/software.toml`): LoRA adapters of rank 16 on every "
                     "linear layer of a frozen encoder, 4.3 MB of float32 weights with the "
                     "heads. (joint-nochar shared the CPU with test runs: its s/epoch is not comparable.)")
    peers = [json.loads(p.read_text()) for p in sorted(RUNS.glob("peer-*.json"))]
    ours = runs("joint")
    if peers and ours:
        mean = statistics.mean(r["dev"]["entities"]["micro_f1"] for r in ours)
        lines += ["## SOMD 2025 dev entities against the peers", "",
                  "Entity micro F1 under the `somd` protocol (IOB2, strict). assay: the mean of "
                  "the `joint` seeds above. Each peer is one run with the settings in its "
                  "script (`bench/peers/`); spaCy selects its best step on dev itself, as "
                  "assay does. Extraction speeds: the peer's own prediction loop over the 114 "
                  "dev sentences, one pass; the like-for-like speed table is in the last "
                  "section.", "",
                  "| system | entity micro F1 | assay / system | training | extraction |",
                  "|---|---|---|---|---|",
                  f"| assay joint | {mean:.4f} | 1.000 | see above | see speed |"]
        for p in peers:
            f1 = p["dev"]["entities"]["micro_f1"]
            lines.append(f"| {p['name']} | {f1:.4f} | {mean / f1:.3f} | "
                         f"{p['train_seconds']} s | {p['sentences_per_s']} sentences/s |")
        lines += ["", *[f"- `{p['command']}` ({p['date']})" for p in peers], ""]
    lines += section("SciERC and CoNLL04 dev", ["scierc-joint", "conll04-joint"],
                     "Protocol `strict`: entities strict, relations strict (spans and types of "
                     "both arguments) and boundary (spans only); selection on "
                     "`relations_strict.micro_f1`.")
    lines += ["## Extraction speed", "",
              "The shipped model's speed against its encoder's ceiling and the peers, all in "
              "one run: `bench/results/speed_cpu.md` (`bench/speed_peers.py`).", ""]
    OUT.write_text("\n".join(lines))
    print(OUT.read_text())
    docre()


def docre() -> None:
    lines = ["# The span and docre families: BC5CDR CID and GutBrainIE 2025 (dev sets)", "",
             "Made by `bench/report.py` from `bench/results/runs/*.json`. Machine: x86_64, 2 CPU "
             "cores, no GPU. Encoder: the packaged all-MiniLM-L6-v2. One seed each, at the "
             "epoch selected on dev; `epochs` is selected/run. These are short trainings that "
             "fit this CPU (a few hundred steps; ATLOP trains for 30 epochs): read them as "
             "what the families reach in that budget, not as converged figures.", ""]
    lines += section("BC5CDR CID dev: adaptive against fixed thresholding",
                     ["bc5cdr-atlop", "bc5cdr-atlop-fixed"],
                     "`docre` over gold chemical and disease concepts (mention groups by MeSH "
                     "id), scored at concept level (protocol `cid`); `configs/bc5cdr-atlop.toml`"
                     ", the fixed run with `--set model.thresholding=fixed` (binary "
                     "cross-entropy, a relation above 0.5). Embeddings and layers 0-2 frozen.")
    lines += section("GutBrainIE 2025 dev carve: the pipeline's two models",
                     ["gutbrain-span", "gutbrain-atlop", "gutbrain-atlop-wide"],
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
    DOCRE.write_text("\n".join(lines))
    print(DOCRE.read_text())


if __name__ == "__main__":
    main()
