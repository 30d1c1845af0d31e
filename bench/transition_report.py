"""bench/results/transition.md: the `transition` family (SRU-NER) on BC5CDR and GENIA, the
global-prediction test on two half-annotated halves of BC5CDR, one model on four corpora
(`biomed` until 2026-12-08) and the same with GENIA as a fifth (`biomed` since, LoRA rank 32),
LoRA against the whole encoder,
CoNLL-2003, the same Mix with the `span` family, and its speed beside `joint`.
Made from records only (`bench/report.py` writes it)."""
from __future__ import annotations

import json
import re

from records import (ROOT, Record, experiments, machines, mean_std, named, recorded,
                     waiting_line)

HALVES = [("bc5cdr-chemical-half-transition", "single-task: the Chemical half alone"),
          ("bc5cdr-disease-half-transition", "single-task: the Disease half alone"),
          ("bc5cdr-halves-transition", "multi-task: both halves, partial-annotation loss"),
          ("bc5cdr-halves-transition-negative", "both halves naively merged "
           "(`data.unannotated=negative`)"),
          ("bc5cdr-transition", "reference: the full training set, both types annotated")]
GENIA = ("DNA", "RNA", "cell_line", "cell_type", "protein")
# SRU-NER's Table 5 (BC5CDR test, BioLinkBERT-large): single-task and multi-task F1
PAPER = {"single": (91.27, 85.41), "multi": (91.81, 86.10)}


def _runs(name: str) -> list[Record]:
    """The experiment's records so far, one a seed (its seeds not recorded yet are listed at
    the page's end); the missing-record error when it has none."""
    return recorded(name)[0] or named(name)


def _f1(values: list[float]) -> str:
    """One run's F1, or the mean ± standard deviation over seeds."""
    mean, std = mean_std(values)
    return f"{mean:.4f}" if len(values) == 1 else f"{mean:.4f} ± {std:.4f}"


def _row(name: str, what: str, labels: tuple[str, ...], scores: str = "entities_strict"
         ) -> tuple[str, list[Record]]:
    """The experiment's row: each F1 over its seeds (mean ± std where it has several)."""
    records = _runs(name)
    runs = [r.results for r in records]
    per = _by_seed(records, scores)
    cells = [_f1(list(per[label].values())) if len(per.get(label, {})) == len(records)
             else "–" for label in labels]
    declared = len(experiments()[name].seeds)
    seeds = f" ({len(records)} of {declared} seeds)" if declared > 1 else ""
    epochs = ", ".join(dict.fromkeys(f"{r['best_epoch']}/{r['epochs_run']}" for r in runs))
    commits = ", ".join(dict.fromkeys(r.commit.sha[:7] for r in records))
    return (f"| {name}{seeds} | {what} | {' | '.join(cells)} | "
            f"{_f1([r['dev'][scores]['micro_f1'] for r in runs])} | "
            f"{mean_std([r['seconds_per_epoch'] for r in runs])[0]:.0f} | {epochs} | "
            f"{commits} |"), records


def _table(rows: list[tuple[str, str]], labels: tuple[str, ...], scores: str = "entities_strict"
           ) -> tuple[list[str], list[Record]]:
    made = [_row(*row, labels, scores) for row in rows]
    return (["| run | what | " + " | ".join(f"{label} F1" for label in labels)
             + " | micro F1 | s/epoch | epochs | commit |",
             "|---" * (len(labels) + 6) + "|", *[line for line, _ in made]],
            [record for _, records in made for record in records])


def _by_seed(records: list[Record], scores: str = "entities_strict"
             ) -> dict[str, dict[int | None, float]]:
    """Each label's dev F1 in each seed's run: {label: {seed: F1}}."""
    per: dict[str, dict[int | None, float]] = {}
    for r in records:
        for label, f1 in r.results["dev"][scores]["per_label_f1"].items():
            per.setdefault(label, {})[r.seed] = f1
    return per


def _dev(name: str, scores: str = "entities_strict") -> dict:
    """Each label's dev F1, the mean over the experiment's seeds."""
    return {label: mean_std(list(f1s.values()))[0]
            for label, f1s in _by_seed(_runs(name), scores).items()}


def _claim(label: str, multi: str, other: str) -> str:
    """One type's verdict on the seeds both runs have: the means, and whether the gap is
    inside the spread of the seeds (a standard deviation of either)."""
    a, b = _by_seed(_runs(multi))[label], _by_seed(_runs(other))[label]
    both = sorted(a.keys() & b.keys())
    (ma, sa), (mb, sb) = mean_std([a[k] for k in both]), mean_std([b[k] for k in both])
    noise = (", inside the spread of seeds" if len(both) > 1 and abs(ma - mb) <= max(sa, sb)
             else "")
    seeds = f" (seeds {', '.join(map(str, both))})" if len(both) > 1 else ""
    return (f"{label} {_f1([a[k] for k in both])} against {_f1([b[k] for k in both])}{seeds}, "
            f"{_verdict(ma, mb)}{noise}")


def claims() -> list[str]:
    """The paper's claims, said as reproduced or not by the records (means over seeds)."""
    halves = [name for name, _ in HALVES[:4]]
    spread = ("One seed each: a difference of a point or two is inside what seeds move on "
              "this budget; read the verdicts as this run's, not as settled."
              if all(len(_runs(name)) == 1 for name in halves) else
              "Each verdict is on the seeds both runs have: a figure with ± is the mean and "
              "standard deviation over those seeds, and the verdict is on the means.")
    return [
        f"- Multi-task ≥ single-task (paper: {PAPER['multi'][0]} / {PAPER['multi'][1]} against "
        f"{PAPER['single'][0]} / {PAPER['single'][1]}, test): "
        + _claim("Chemical", "bc5cdr-halves-transition", "bc5cdr-chemical-half-transition")
        + "; " + _claim("Disease", "bc5cdr-halves-transition", "bc5cdr-disease-half-transition")
        + ".",
        "- Partial-annotation loss ≥ naive merging: "
        + "; ".join(_claim(label, "bc5cdr-halves-transition",
                           "bc5cdr-halves-transition-negative")
                    for label in ("Chemical", "Disease")) + ".",
        f"- {spread}"]


def transition() -> str:
    halves, records = _table(HALVES, ("Chemical", "Disease"))
    genia, more = _table([("genia-transition", "GENIA nested, single-task")], GENIA)
    lines = ["# The transition family (SRU-NER): BC5CDR, its half-annotated halves, GENIA", "",
             "Made by `bench/report.py` from the records in `bench/results/records/`. "
             f"{machines(records + more)} Encoder: the packaged all-MiniLM-L6-v2 with LoRA "
             "adapters (rank 16); the paper fine-tunes BioLinkBERT-large for many more "
             "epochs. Three epochs on BC5CDR (every run was still rising at its last), two "
             "runs at a time with one thread each: short CPU trainings, read as what the "
             "family reaches in that budget. Strict mention-level F1 on the devel set "
             "(`--protocol strict`, per label); `epochs` is selected/run; `commit` is the "
             "code each ran. Commit 723766e made generation read every word of a window "
             "(before it, a model could end a sentence early): the runs of the GENIA and "
             "four-corpus sections, `bc5cdr-transition` and `bc5cdr-halves-transition-negative` "
             "predate it, their dev scores those of their own commit's generation; the other "
             "global-prediction runs were run again after it, at three seeds, and the later "
             "sections set runs after it beside them.", "",
             "## Global prediction on BC5CDR (the paper's Table 5 setting)", "",
             "BC5CDR's training sentences split at random (seed 0, `part = \"1/2\"` / "
             "`\"2/2\"`) into a half annotated for Chemical only and a half for Disease only "
             "(`configs/bc5cdr-halves-transition.toml`); every model is scored on the full "
             "devel set with both types. The paper splits dev likewise; here the whole devel "
             "set scores every run.", "", *halves, "", *claims(), "",
             "## GENIA nested NER", "",
             "`configs/genia-transition.toml`: the carved GENIA (train 1500 / dev 265 "
             "sentences; only the published dev half of GENIA could be had). Nested mentions "
             "count one by one.", "", *genia, "", *multitask(), *with_genia(),
             *lora_or_whole(), *five_corpus_choice(), *conll2003(), *span_mix(), *speed()]
    lines += waiting_line([*(name for name, _ in HALVES), CONLL2003,
                           *(name for name, _ in FIVE), WHOLE, AGAIN,
                           *(name for name, _ in SPAN_MIX)])
    lines += ["Commands:", ""]
    lines += [f"- `{r.command}`" for r in records + more + named("biomed-transition")]
    return "\n".join(lines) + "\n"


CONLL2003 = "conll2003-transition"
#: the training Mix with the `span` family: (experiment, what it is)
SPAN_MIX = [("biomed-mix-span", "partial-annotation loss: a corpus's unannotated type is never "
             "a target"),
            ("biomed-mix-span-negative", "naively merged (`data.unannotated=negative`)")]


def conll2003() -> list[str]:
    """The single-task run on CoNLL-2003 news, once recorded."""
    if not recorded(CONLL2003)[0]:
        return []
    table, records = _table([(CONLL2003, "CoNLL-2003, single-task")], ("PER", "LOC", "ORG", "MISC"))
    return ["## CoNLL-2003 (news)", "",
            "`configs/conll2003-transition.toml`: 14,041 training sentences, 3 epochs; the dev "
            "set's 3,250 sentences, strict. The copy's stray I- tags after O (267 in train, 56 "
            "in dev) are read as the start of a mention, as conlleval reads them "
            f"(`lenient = true`). {machines(records)}", "", *table, "",
            *[f"- `{r.command}` ({r.date})" for r in records], ""]


def span_mix() -> list[str]:
    """The same partial-annotation Mix with the `span` family, as far as it is recorded."""
    shown = [(name, what) for name, what in SPAN_MIX if recorded(name)[0]]
    if not shown:
        return []
    labels = ("bc5cdr-chem/Chemical", "ncbi-disease/Disease")
    table, records = _table(shown, labels, "disjoint")
    lines = ["## The same Mix with the `span` family", "",
             "`configs/biomed-mix-span.toml`: one span model (GLiNER-style, MiniLM with LoRA) "
             "for Chemical and Disease from BC5CDR-chem (Chemical only) and NCBI-disease "
             "(Disease only), sampled inverse to size, 3 epochs; each devel set scored on its "
             "own type (`multitask`, disjoint). Since commit 93104b8 a type a sentence's corpus "
             "does not annotate is prompted there too, as prediction prompts every type, with "
             "no loss on it; before, the model saw only one-type prompts and, prompted with "
             "both, found Chemical at recall 0.27 (0.90 prompted with Chemical alone; that "
             "run's record, disjoint micro F1 0.3959, is in the history of "
             "`bench/results/records/biomed_ner/biomed-mix-span-s13.json`). "
             f"{machines(records)}", "", *table, ""]
    if len(shown) == len(SPAN_MIX):
        partial, naive = (r.results["dev"]["disjoint"]["per_label_f1"] for r in records)
        lines += ["- Partial-annotation loss ≥ naive merging with `span`: "
                  + "; ".join(f"{label} {partial[label]:.4f} against {naive[label]:.4f}, "
                              f"{_verdict(partial[label], naive[label])}" for label in labels)
                  + " (one seed).", ""]
    return lines + [f"- `{r.command}` ({r.date})" for r in records] + [""]


def speed() -> list[str]:
    record, = named("speed-transition")
    r = record.results
    lines = ["## Speed on this CPU", "",
             f"Prediction over the same {r['documents']} BC5CDR devel sentences, one model "
             "after the other in one process, nothing else running (median of "
             f"{next(iter(r['models'].values()))['runs']} runs after a warm-up; "
             f"{record.device.describe()}; {record.date}; `{record.command}`):", "",
             "| model | sentences/s | tokens/s | its encoders alone (sentences/s) | "
             "share of that ceiling | threads |", "|---|---|---|---|---|---|"]
    for model, m in r["models"].items():
        lines.append(f"| {model} | {m['sentences_per_s']:.1f} | {m['tokens_per_s']} | "
                     f"{m['ceiling_sentences_per_s']:.1f} | {m['ratio_to_ceiling']:.3f} | "
                     f"{m['threads']} |")
    t = r["training"]
    lines += ["", f"Training (`{t['recipe']}`, one epoch on its first {t['documents']} "
              f"sentences, batches of {t['batch_size']}, no dev scoring): "
              f"{t['sentences_per_s']:.1f} sentences/s ({t['seconds']} s).", ""]
    return lines


#: the single-task run of each corpus of the four-corpus model
SINGLE = {"bc5cdr": "bc5cdr-transition", "ncbi-disease": "ncbi-transition",
          "bc2gm": "bc2gm-transition", "linnaeus": "linnaeus-transition"}
NAIVE = "biomed-transition-negative"
#: the peers on each corpus (bench/biomed_peers.py): (column, experiment name by corpus)
PEERS = [("spaCy peer", "biomed-peer-spacy-{}"),
         ("gliner peer (whitespace words)", "biomed-peer-gliner-{}")]


def _peer(experiment: str, corpus: str) -> Record | None:
    found, _ = recorded(experiment.format(corpus))
    return found[0] if found else None


def _verdict(multi: float, other: float) -> str:
    return "reproduced" if multi >= other else "not reproduced"


def multitask() -> list[str]:
    """The four-corpus model (shipped as `biomed` until 2026-12-08), each corpus's types on
    its own devel set, beside each corpus's single-task run and, once recorded, the four
    naively merged and the peers trained on each corpus."""
    record, = named("biomed-transition")
    r = record.results
    per = r["dev"]["disjoint"]["per_label_f1"]
    single = {corpus: _dev(run) for corpus, run in SINGLE.items()}
    naive_runs, _ = recorded(NAIVE)
    naive = naive_runs[0].results["dev"]["disjoint"]["per_label_f1"] if naive_runs else None
    peers = {(column, corpus): _peer(experiment, corpus)
             for column, experiment in PEERS for corpus in SINGLE}
    lines = ["## One model on four corpora (shipped as `biomed` until 2026-12-08)", "",
             "`configs/biomed-transition.toml`: BC5CDR (Chemical, Disease), NCBI-disease "
             "(Disease), BC2GM (Gene) and linnaeus (Species), the paper's six less the two "
             "whose training data could not be had. Sampling inverse to corpus size: an epoch "
             "is the mean corpus size (8,626 sentences), a quarter from each; a type a corpus "
             "does not annotate is never a target in its sentences. Dev: the four devel sets "
             "(12,101 sentences), each scored on the types it annotates (`multitask`, "
             "disjoint: corpus/type). Single-task: each corpus alone, 3 full epochs "
             "(`configs/{bc5cdr,ncbi,bc2gm,linnaeus}-transition.toml`). Naive merging "
             f"(`{NAIVE}`): the same four corpora, budget and sampling, but every sentence "
             "taken to annotate every type (`data.unannotated=negative`). Peers "
             "(bench/biomed_peers.py): spaCy's CNN NER and the gliner library on MiniLM, "
             "each trained on its corpus's single-task data alone, the corpus's whitespace "
             "tokens as words.", "",
             "| corpus/type (devel) | multi-task F1 | single-task F1 | multi-task ≥ single-task "
             "| naively merged F1 | partial-annotation loss ≥ naive merging | "
             + " | ".join(f"{column} F1" for column, _ in PEERS) + " | multi-task ≥ best peer |",
             "|---" * (7 + len(PEERS)) + "|"]
    for name, f1 in sorted(per.items()):
        corpus, label = name.split("/")
        alone = single[corpus][label]
        merged = f"{naive[name]:.4f} | {_verdict(f1, naive[name])}" if naive else \
            "not run yet | –"
        scored = [peers[column, corpus] for column, _ in PEERS]
        scored = [p.results["dev"]["entities_strict"]["per_label_f1"][label] if p else None
                  for p in scored]
        cells = " | ".join("not run yet" if x is None else f"{x:.4f}" for x in scored)
        ran = [x for x in scored if x is not None]
        best = _yes(f1 >= max(ran)) + ("" if len(ran) == len(scored) else " (so far)") \
            if ran else "–"
        lines.append(f"| {name} | {f1:.4f} | {alone:.4f} | {_verdict(f1, alone)} | {merged} "
                     f"| {cells} | {best} |")
    d, m = r["dev"]["disjoint"], r["dev"]["merged"]
    sizes = {corpus: named(run)[0].results["seconds_per_epoch"] for corpus, run in SINGLE.items()}
    lines += ["", f"Micro P / R / F1 over all four: {d['micro_p']:.4f} / {d['micro_r']:.4f} / "
              f"{d['micro_f1']:.4f} (merged: the same mentions, {m['micro_f1']:.4f}). Best "
              f"epoch {r['best_epoch']} of {r['epochs_run']} (still rising), "
              f"{r['seconds_per_epoch']:.0f} s an epoch with dev scoring, sharing the CPU "
              f"with test runs; commit {record.commit.sha[:7]}, {record.device.describe()}, "
              f"{record.date}.", "",
              *([] if not naive_runs else [
                  "Naively merged, micro P / R / F1 over all four: " + " / ".join(
                      f"{naive_runs[0].results['dev']['disjoint'][k]:.4f}"
                      for k in ("micro_p", "micro_r", "micro_f1"))
                  + f" (best epoch {naive_runs[0].results['best_epoch']} of "
                  f"{naive_runs[0].results['epochs_run']}, "
                  f"{naive_runs[0].results['seconds_per_epoch']:.0f} s an epoch; commit "
                  f"{naive_runs[0].commit.sha[:7]}, {naive_runs[0].device.describe()}, "
                  f"{naive_runs[0].date}). Here every sentence of the other three corpora says "
                  "a corpus's type is absent wherever it goes unannotated there; precision "
                  "holds and recall falls.", ""]),
              "One seed each, and not one budget: the multi-task model saw 5 × 8,626 = 43,130 "
              "sentences in all, about 10,800 of each corpus, while each single-task model saw "
              "its whole training set three times (BC2GM and linnaeus: over 35,000 sentences "
              "each). Where multi-task is behind here, this is what the comparison measures "
              "first. Single-task seconds an epoch (with dev scoring): "
              + ", ".join(f"{c} {v:.0f}" for c, v in sizes.items()) + ".", ""]
    lines += [f"- `{x.command}` (commit {x.commit.sha[:7]}"
              + (", with uncommitted changes outside the transition family" if x.commit.dirty
                 else "") + f", {x.date})"
              for run in SINGLE.values() for x in named(run)]
    lines += [f"- `{x.command}`" for x in naive_runs]
    lines += [f"- `{p.command}` ({p.results['train_seconds']} s training, commit "
              f"{p.commit.sha[:7]}, {p.date})" for p in peers.values() if p]
    return lines + [""]


WITH_GENIA = "biomed-genia-transition"


def _yes(holds: bool) -> str:
    return "yes" if holds else "no"


def with_genia() -> list[str]:
    """The four-corpus model with GENIA as a fifth source (nested mentions), each corpus's
    types on its own devel set beside the four-corpus model and the single-task runs."""
    found, _ = recorded(WITH_GENIA)
    if not found:
        return []
    record, = found
    r = record.results
    per = r["dev"]["disjoint"]["per_label_f1"]
    four = named("biomed-transition")[0].results["dev"]["disjoint"]["per_label_f1"]
    single = {corpus: _dev(run) for corpus, run in {**SINGLE, "genia": "genia-transition"}
              .items()}
    shares = {source: x["an_epoch"] for source, x in r["training_data"].items()}
    lines = ["## Five corpora: the four and GENIA", "",
             f"`{WITH_GENIA}`: `configs/biomed-transition.toml` with GENIA (the carve above: "
             "DNA, RNA, cell_line, cell_type, protein; nested) added as a fifth source by "
             f"`--set data.sources+=[...]`, {r['epochs_run']} epochs run of the five corpora's "
             f"mean size ({sum(shares.values()):,} examples an epoch, "
             + ", ".join(f"{source} {n:,}" for source, n in shares.items())
             + f"; {r['epochs_run']} × {max(shares.values()):,} = "
             f"{r['epochs_run'] * max(shares.values()):,} of each corpus in all, against the "
             "four-corpus model's 10,800). GENIA's types are kept apart from the others' "
             "(BC2GM's Gene is not GENIA's protein or DNA); its sentences never teach that a "
             "Chemical or a Species is absent.", "",
             "| corpus/type (devel) | five-corpus F1 | four-corpus F1 | single-task F1 | "
             "five ≥ four | five ≥ single-task |", "|---" * 6 + "|"]
    for name, f1 in sorted(per.items()):
        corpus, label = name.split("/")
        alone = single[corpus].get(label)
        was = four.get(name)
        lines.append(f"| {name} | {f1:.4f} | {'–' if was is None else f'{was:.4f}'} | "
                     f"{'–' if alone is None else f'{alone:.4f}'} | "
                     f"{'–' if was is None else _yes(f1 >= was)} | "
                     f"{'–' if alone is None else _yes(f1 >= alone)} |")
    d = r["dev"]["disjoint"]
    return lines + ["", f"Micro P / R / F1 over all five: {d['micro_p']:.4f} / "
                    f"{d['micro_r']:.4f} / {d['micro_f1']:.4f}. Best epoch {r['best_epoch']} "
                    f"of {r['epochs_run']}, {r['seconds_per_epoch']:.0f} s an epoch with dev "
                    f"scoring; commit {record.commit.sha[:7]}, {record.device.describe()}, "
                    f"{record.date}. One seed.", "", f"- `{record.command}`", ""]


#: the five-corpus model three ways, the candidates for `biomed`: (experiment, what it is)
FIVE = [(WITH_GENIA, "LoRA adapters, rank 16 (alpha 32), encoder lr 5e-4"),
        ("biomed-genia-transition-r32", "LoRA adapters, rank 32 (alpha 64), encoder lr 5e-4"),
        ("biomed-genia-transition-r64", "LoRA adapters, rank 64 (alpha 128), encoder lr 5e-4"),
        ("biomed-genia-transition-full", "the whole encoder fine-tuned, lr 1e-4")]


def five_corpus_choice() -> list[str]:
    """The five-corpus model with LoRA of rank 16, 32 and 64 and with the whole encoder, each
    corpus's types on its devel set beside the best peer trained on that corpus alone, and
    which ships as `biomed`."""
    rows = [(name, what) for name, what in FIVE if recorded(name)[0]]
    if len(rows) < 2:
        return []
    labels = tuple(sorted(_dev(rows[0][0], "disjoint")))
    table, records = _table(rows, labels, "disjoint")
    best = []
    for name in labels:
        corpus, label = name.split("/")
        peers = [_peer(experiment, corpus) for _, experiment in PEERS] \
            if corpus in SINGLE else []  # no peer is declared for GENIA
        scored = [p.results["dev"]["entities_strict"]["per_label_f1"][label]
                  for p in peers if p]
        best.append(f"{max(scored):.4f}" if scored else "–")
    shipping = _shipping("biomed")
    shipped = re.sub(r"-s\d+$", "", shipping["sources"][0].rsplit("/", 1)[-1])
    ships = shipped in {name for name, _ in rows}
    return ["## The five-corpus model, its encoder tuned several ways: which ships", "",
            f"`{WITH_GENIA}`'s recipe (five corpora, 10 epochs, patience 3) with its encoder "
            f"tuned {len(rows)} ways, by `--set` (see the commands); each corpus's types on "
            "its own devel set (`multitask`, disjoint), strict. The last row is the best of the "
            "peers recorded for that corpus, each trained on it alone (– where none ran, and "
            "for GENIA, which has none). What each would add to the heads and tokenizer in "
            "half precision: LoRA adapters on every linear layer of MiniLM take 41,472 "
            "parameters a rank (rank 16: 0.66M, 1.3 MB; rank 32: 1.33M, 2.7 MB; rank 64: "
            "2.65M, 5.3 MB), the whole encoder 22.6M (45 MB). Runs of one stop ran side by "
            "side, one thread each, beside other runs (rank 64 and the whole encoder; rank 32 "
            "in a later stop; rank 16 in an earlier one, beside the checks of a stop): their "
            "s/epoch compare only roughly.", "", *table,
            "| best peer | trained on the corpus alone | " + " | ".join(best)
            + " | – | – | – | – |", "",
            "A shipped file must stay under 5 MB (tests/models/test_shipped.py): rank 64's "
            "weights take 6.8 MB and the whole encoder's far more. "
            + (f"Shipped as `biomed`: `{shipped}`" if ships else
               f"None of these ships yet; shipped now as `biomed`: `{shipped}`")
            + f" ({shipping['size_mb']} MB; `src/assay/zoo/biomed/shipping.json`).", "",
            *[f"- `{r.command}` ({r.device.describe()}, {r.date})" for r in records], ""]


WHOLE = "bc5cdr-transition-full"
AGAIN = "bc5cdr-transition-lora"  # the LoRA recipe at a commit after 723766e


def _shipping(name: str) -> dict:
    """A shipped model's shipping.json: what it was packaged from, its size, its dev scores."""
    return json.loads((ROOT / "src/assay/zoo" / name / "shipping.json").read_text())


def lora_or_whole() -> list[str]:
    """Single-task BC5CDR with LoRA adapters against the whole encoder fine-tuned, beside the
    gliner peer (which fine-tunes the whole encoder), once recorded."""
    if not recorded(WHOLE)[0]:
        return []
    rows = [("bc5cdr-transition", "LoRA adapters (rank 16), encoder lr 5e-4"),
            *([(AGAIN, "the same LoRA recipe after 723766e")] if recorded(AGAIN)[0] else []),
            (WHOLE, "the whole encoder fine-tuned, lr 1e-4")]
    table, records = _table(rows, ("Chemical", "Disease"))
    peer = _peer(PEERS[1][1], "bc5cdr")
    said = "" if peer is None else (
        " The gliner peer, which fine-tunes the whole encoder: Chemical "
        + " / Disease ".join(f"{peer.results['dev']['entities_strict']['per_label_f1'][t]:.4f}"
                             for t in ("Chemical", "Disease")) + ".")
    return ["## LoRA or the whole encoder (BC5CDR, single-task)", "",
            "The recipe's LoRA adapters against fine-tuning every encoder weight, the same "
            "three epochs and everything else alike (`--set model.lora_rank=0 --set "
            "train.lr_encoder=1e-4`); devel, strict." + said + " The first LoRA run predates "
            "commit 723766e's generation (see above); `bc5cdr-transition-lora` runs the same "
            "recipe after it, to say how much of the gap is generation. The first LoRA run "
            "was on another machine (see its row's commands), so its s/epoch is not this "
            "one's. A model of the whole encoder ships every encoder weight (MiniLM: 22.7M "
            "parameters, about 45 MB in half precision), where the shipped `biomed`, adapters, "
            f"heads and tokenizer, takes {_shipping('biomed')['size_mb']} MB.", "", *table, "",
            *[f"- `{r.command}` ({r.device.describe()}, {r.date})" for r in records[1:]], ""]
