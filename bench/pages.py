"""The reports of bench/results/ that each show one record: the GutBrainIE pipeline, gliner
against span on GutBrainIE, extraction speed, and the corpus counts. Each function turns a
record (bench/records.py) into its markdown page; `bench/report.py` writes them."""
from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table

from records import Record

TASKS = {"NER": "6.1 NER", "binary_tag_RE": "6.2.1 binary tag RE",
         "ternary_tag_RE": "6.2.2 ternary tag RE",
         "ternary_mention_RE": "6.2.3 ternary mention RE"}
PRF = ("micro_p", "micro_r", "micro_f1", "macro_p", "macro_r", "macro_f1")


def gutbrainie(record: Record) -> str:
    r = record.results
    lines = ["# GutBrainIE 2025: span NER + docre (ATLOP) on the dev carve", "",
             f"Dev: {r['dev']}. NER: `{r['ner']}`, RE: `{r['re']}`. Machine: "
             f"{record.device.describe()}; {record.date}. Command: `{record.command}`.", "",
             "| subtask | setting | micro P | micro R | micro F1 | macro P | macro R | "
             "macro F1 |", "|---|---|---|---|---|---|---|---|"]
    for task, title in TASKS.items():
        for setting in ("pipeline", "gold_entities"):
            if task == "NER" and setting == "gold_entities":
                continue
            s = r[setting][task]
            lines.append(f"| {title} | {setting.replace('_', ' ')} | "
                         + " | ".join(f"{s[k]:.4f}" for k in PRF) + " |")
    z = r["zero_shot_somd"]
    lines += ["", f"Pipeline time over the carve: {r['pipeline_seconds']} s (docre alone "
              f"{r['gold_entities_seconds']} s).", "",
              "Zero-shot: the span NER model, trained on GutBrainIE only, prompted with SOMD's "
              "14 software types and a one-line description of each (bench/gutbrain.py), on "
              f"SOMD 2025 dev, strict entity matching: micro P {z['micro_p']:.4f}, R "
              f"{z['micro_r']:.4f}, F1 {z['micro_f1']:.4f}; macro F1 {z['macro_f1']:.4f}. "
              f"It returned {r['zero_shot_somd_found']} entities over SOMD dev ({z['support']} "
              "gold): trained on 13 types only, it stays nearly silent on types it never "
              "saw.", ""]
    return "\n".join(lines)


def gutbrainie_peers(record: Record) -> str:
    r = record.results
    a, g = r["assay_span"], r["gliner"]
    rows = [("NER micro F1", a["dev"]["micro_f1"], g["dev"]["micro_f1"], ".4f"),
            ("NER macro F1", a["dev"]["macro_f1"], g["dev"]["macro_f1"], ".4f"),
            ("sentences/s", a["sentences_per_s"], g["sentences_per_s"], ".1f")]
    return "\n".join([
        "# GutBrainIE NER: assay `span` against `gliner` 0.2.29 (dev carve)", "",
        f"Same encoder (all-MiniLM-L6-v2), same training data, {a['steps']} steps of batch "
        f"{a['batch_size']} each (assay: the recipe's settings, LoRA adapters on a frozen "
        f"encoder; gliner: its encoder fine-tuned at lr {g['lr']}, its new layers at "
        f"{g['others_lr']}). Dev: the 22 carved platinum documents ({r['dev_sentences']} "
        "sentences), the official scorer's NER counting. Machine: "
        f"{record.device.describe()}; {record.date}.", "",
        "| | assay span | gliner | assay / gliner |", "|---|---|---|---|",
        *[f"| {name} | {x:{form}} | {y:{form}} | {x / y if y else float('nan'):.3f} |"
          for name, x, y, form in rows],
        f"| training seconds | {a['train_seconds']} | {g['train_seconds']} | "
        f"{a['train_seconds'] / max(1, g['train_seconds']):.3f} |", "",
        f"Commands: `{record.command}`; gliner: `{r['gliner_command']}`.", "",
        *([record.note, ""] if record.note else [])])


def speed(record: Record) -> str:
    r = record.results
    rows = r["sentences_per_s"]
    ceiling = rows["bare encoder forward pass (ceiling)"]
    lines = [f"# Extraction speed, SOMD 2025 dev ({r['sentences']} sentences, "
             f"{r['tokens']} word pieces)", "",
             f"{record.device.describe()}, {r['threads']} torch threads, batch "
             f"{r['batch_size']}, median of {r['runs']} runs, {record.date}; "
             f"`{record.command}`.", "",
             "| system | sentences/s | × encoder ceiling |", "|---|---|---|"]
    lines += [f"| {name} | {value:.1f} | {value / ceiling:.2f} |" for name, value in rows.items()]
    if r["memory"]:
        lines += ["", "Streaming over many documents (SOMD dev cycled; one run each, in a "
                  "process of its own; prediction reads 2,048 documents at a time, so peak "
                  "memory rises up to that size and stays flat beyond it):", "",
                  "| documents | sentences/s | peak memory (MiB) |", "|---|---|---|"]
        lines += [f"| {n} | {m['sentences_per_s']:.1f} | {m['peak_rss_mib']} |"
                  for n, m in r["memory"].items()]
    return "\n".join(lines) + "\n"


def counts_table(results: dict) -> str:
    """The corpora's counts as read, each marked against the count its source states ("ok",
    "≠ stated", or bare where the source states none)."""
    table = Table(title=f"corpora in {results['datasets']}: read / expected")
    for column in ("corpus", "format"):
        table.add_column(column)
    counts = list(results["corpora"][0]["read"])  # documents, sentences, ...
    for key in counts:
        table.add_column(key, justify="right")
    for corpus in results["corpora"]:
        cells = []
        for key in counts:
            read, want = corpus["read"][key], corpus["expected"][key]
            mark = "" if want is None else " ok" if want == read else f" ≠ {want}"
            cells.append(f"{read}{mark}")
        table.add_row(corpus["name"], corpus["format"], *cells)
    out = io.StringIO()
    Console(file=out, width=140).print(table)
    return out.getvalue()


def dataset_counts(record: Record) -> str:
    python = (record.packages or {}).get("assay", {}).get("python")
    return "\n".join([
        "# Corpus counts as read by assay's readers", "",
        f"Command: `{record.command}` (also `make bench-datasets`), run {record.date} on "
        f"{record.device.describe()}" + (f" (Python {python})" if python else "")
        + f", over `{record.results['datasets']}`. \"ok\" means the count equals the figure "
        "the corpus's SOURCE.txt / the datasets README states; a bare number means no figure "
        "is stated. The CoNLL-2003 copy holds stray I- tags after O (267 train, 56 dev): the "
        "strict reader stops at the first with file and line, the lenient one reports each "
        "and reads it as an entity.", "",
        "```", counts_table(record.results).rstrip("\n"), "```", ""])


def fuzzing(record: Record) -> str:
    """The readers × outcomes table of bench/fuzz_formats.py."""
    results = record.results
    lines = ["# Readers under damaged input", "",
             f"Command: `{record.command}`, commit `{record.commit.sha[:7]}`, run {record.date} "
             f"on {record.device.describe()}. For each format, {results['examples']} damaged "
             "copies of its test fixture (cut short; bytes flipped, inserted or deleted; lines "
             "dropped, repeated or swapped), each read strictly and with `--lenient`. A read "
             "gives the documents, a clear error (`FormatError`: file, line and reason in one "
             "line) or another exception, which is a defect.", "",
             "| format | mode | examples | read | clear error | other exception |",
             "|---|---|---:|---:|---:|---:|"]
    for fmt, tally in results["readers"].items():
        for mode in ("strict", "lenient"):
            t = tally[mode]
            lines.append(f"| {fmt} | {mode} | {results['examples']} | {t['read']} | "
                         f"{t['clear error']} | {t['other exception']} |")
    return "\n".join(lines) + "\n"
