"""bench/results/generative.md: the `generative` family (AnchorAlign on MiniLM, BERT-to-BERT)
on CoNLL04 and SciERC dev, its training ablation and output paradigms, its inference ablations
on each seed's trained model (and over the seeds), and the `joint` family on the same encoder
and data beside it, with the speed of both. Made from records only (`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, experiments, machines, mean_std, named, recorded, waiting_line

#: (experiment, what differs), in the table's order; only experiments with records
RUNS = [("conll04-generative", "full model: paradigm 3, α = β = γ = 1"),
        ("conll04-generative-noalign", "without the alignment terms (α = β = γ = 0); epochs "
         "1–14, where neither has them, are the full run's"),
        ("conll04-generative-p1", "paradigm 1: all entities, flat triplets"),
        ("conll04-generative-p2", "paradigm 2: entities outside relations, flat triplets "
         "(no shared entities: no α term, no anchor filter)"),
        ("conll04-generative-p4", "paradigm 4: entities outside relations, entity-centric "
         "blocks (no α term, no anchor filter)"),
        ("scierc-generative", "full model: paradigm 3, α = β = γ = 1"),
        ("scierc-generative-noalign", "without the alignment terms (α = β = γ = 0); epochs "
         "1–14, where neither has them, are the full run's")]
JOINTS = {"conll04": "conll04-joint", "scierc": "scierc-joint"}
#: the inference-ablation records, by task
INFERENCE = ["conll04-generative-inference", "scierc-generative-inference"]


def _f1(record: Record, score: str) -> float:
    return record.results["dev"][score]["micro_f1"]


def _late(record: Record) -> str:
    """Mean and last dev relation strict F1 over the epochs with the alignment terms on (from
    the recipe's align_from), where the record keeps each epoch's scores."""
    epochs = record.results.get("by_epoch", {}).get("relations_strict")
    start = (record.recipe or {}).get("model", {}).get("align_from")
    if not epochs or not start or start > len(epochs):
        return "–"
    late = epochs[start - 1:]
    return f"{sum(late) / len(late):.4f} / {late[-1]:.4f}"


def _run_row(name: str, what: str, record: Record) -> str:
    r = record.results
    strict = r["dev"]["relations_strict"]
    branch = experiments()[name].branch
    # a branch whose best epoch is one it shares with its source: the source's model, scored
    shared = " (shared)" if branch and r["best_epoch"] <= branch.after else ""
    return (f"| {name} | {what} | {strict['micro_p']:.4f} | {strict['micro_r']:.4f} | "
            f"{strict['micro_f1']:.4f} | {_f1(record, 'relations_boundary'):.4f} | "
            f"{_f1(record, 'entities_strict'):.4f} | {r['best_epoch']}{shared} of "
            f"{r['epochs_run']} | "
            f"{_late(record)} | {r['seconds_per_epoch']:.0f} | {record.seed} | "
            f"{record.commit.sha[:7]} |")


def _seeds_line(name: str, records: list[Record]) -> list[str]:
    """Mean ± sample standard deviation of the dev relation strict F1 over an experiment's
    seeds, where it has more than one."""
    if len(records) < 2:
        return []
    scores = [_f1(r, "relations_strict") for r in records]
    mean, std = mean_std(scores)
    seeds = ", ".join(str(r.seed) for r in records)
    return [f"- `{name}` over seeds {seeds}: relation strict F1 {mean:.4f} ± {std:.4f}."]


def _dev(results: dict) -> str:
    """What an inference record scored: its documents and sentences (a record made before both
    were kept names its documents `sentences`: so they are in CoNLL04)."""
    if "documents" not in results:
        return f"{results['sentences']} dev sentences"
    return f"{results['documents']} dev documents ({results['sentences']} sentences)"


def _inference_rows(record: Record) -> list[str]:
    r = record.results
    rows = []
    for variant, v in r["variants"].items():
        rows.append(f"| {variant} | {v['relations_strict']['micro_p']:.4f} | "
                    f"{v['relations_strict']['micro_r']:.4f} | "
                    f"{v['relations_strict']['micro_f1']:.4f} | "
                    f"{v['relations_boundary']['micro_f1']:.4f} | "
                    f"{v['entities_strict']['micro_f1']:.4f} | {v['documents_cut']} | "
                    f"{v['seconds']:.0f} | {r['sentences'] / v['seconds']:.1f} |")
    if "against" in r:
        a = r["against"]
        rows.append(f"| `{a['family']}` ({a['model']}) | {a['relations_strict']['micro_p']:.4f} | "
                    f"{a['relations_strict']['micro_r']:.4f} | "
                    f"{a['relations_strict']['micro_f1']:.4f} | "
                    f"{a['relations_boundary']['micro_f1']:.4f} | "
                    f"{a['entities_strict']['micro_f1']:.4f} | – | {a['seconds']:.0f} | "
                    f"{r['sentences'] / a['seconds']:.1f} |")
    return rows


def _inference_summary(task: str, records: list[Record]) -> list[str]:
    """Each inference variant's relation strict F1 over the seeds whose weights were scored
    again, and on how many of them it is below the full model."""
    if len(records) < 2:
        return []
    seeds = ", ".join(str(r.seed) for r in records)
    lines = [f"## Inference ablations: {task}, over seeds {seeds}", "",
             "Mean ± sample standard deviation over the seeds' tables below; `below full`: on "
             "how many seeds the variant's relation strict F1 is below the full model's.", "",
             "| variant | rel strict F1 | rel boundary F1 | below full |", "|---" * 4 + "|"]
    for variant in records[0].results["variants"]:
        cells = []
        for score in ("relations_strict", "relations_boundary"):
            mean, std = mean_std([r.results["variants"][variant][score]["micro_f1"]
                                  for r in records])
            cells.append(f"{mean:.4f} ± {std:.4f}")
        below = sum(r.results["variants"][variant]["relations_strict"]["micro_f1"]
                    < r.results["variants"]["full"]["relations_strict"]["micro_f1"]
                    for r in records)
        lines.append(f"| {variant} | {' | '.join(cells)} | "
                     f"{'–' if variant == 'full' else f'{below} of {len(records)}'} |")
    return [*lines, ""]


def generative() -> str:
    runs = [(name, what, recorded(name)[0]) for name, what in RUNS]
    runs = [run for run in runs if run[2]]
    tasks = list(dict.fromkeys(records[0].task for _, _, records in runs))
    joints = {task: named(JOINTS[task])[0] for task in tasks}
    inference = [r for name in INFERENCE for r in recorded(name)[0]]
    every = [r for _, _, rs in runs for r in rs] + list(joints.values()) + inference
    lines = ["# The generative family (AnchorAlign)", "",
             "Made by `bench/report.py` from the records in `bench/results/records/`. "
             f"{machines(every)} Dev sets, `--protocol strict`: a relation is right when "
             "both arguments' spans and types and its type are (strict), or its spans and "
             "type (boundary). The encoder is the packaged MiniLM (all-MiniLM-L6-v2, 6 layers, "
             "384 wide); each decoder its first two layers with new cross-attention "
             "(`configs/conll04-generative.toml`, `configs/scierc-generative.toml`): the "
             "paper's models are BART-large. Its schedule (Table 6: 100 epochs on SciERC) is "
             "cut to 20 epochs with the same proportions: 4 on the simple samples (at most "
             "one triplet), the alignment terms from epoch 15. Selection on dev relation "
             "strict F1; `joint` is the SOMD joint-loss model on the same encoder, its own "
             "recipe. `best epoch` (shared): a branch run's best epoch is one it shares with "
             "the full run, so its figures are the full run's model's. `s/epoch` is the median "
             "epoch's training time (dev scoring apart). `from "
             "align_from`: the dev scores of the epochs from the one the alignment terms come "
             "on (15), where the runs differ; `–` where the record keeps no per-epoch scores "
             "(made before the runner kept them).", ""]
    for task in tasks:
        lines += [f"## {task}", "",
                  "| run | what | rel strict P | rel strict R | rel strict F1 | "
                  "rel boundary F1 | ent strict F1 | best epoch | rel strict F1 from "
                  "align_from (mean / last) | s/epoch | seed | commit |",
                  "|---" * 12 + "|"]
        for name, what, records in runs:
            lines += [_run_row(name, what, r) for r in records if r.task == task]
        lines += [_run_row(JOINTS[task], "`joint`, MiniLM", joints[task]), ""]
        spread = [line for name, _, records in runs
                  for line in _seeds_line(name, [r for r in records if r.task == task])]
        lines += [*spread, ""] if spread else []
    for task in dict.fromkeys(r.task for r in inference):
        lines += _inference_summary(task, [r for r in inference if r.task == task])
    for record in inference:
        lines += [f"## Inference ablations: {record.task}, seed {record.seed}", "",
                  f"The weights of `{record.results['model']}` scored again on the "
                  f"{_dev(record.results)} with the union of the forward "
                  "and reverse decoders' triplets (`aggregate`) and the anchor filter "
                  "(`anchor_filter`) switched off in turn; `cut`: documents any of whose "
                  "outputs reached `max_output`; prediction on "
                  f"{record.device.describe()}, batches of 32.", "",
                  "| variant | rel strict P | rel strict R | rel strict F1 | rel boundary F1 | "
                  "ent strict F1 | cut | seconds | sentences/s |", "|---" * 9 + "|",
                  *_inference_rows(record), ""]
    lines += waiting_line([name for name in experiments() if "generative" in name],
                          "The issue asks for three seeds of each run.")
    lines += ["Commands:", "", *[f"- `{r.command}` ({r.date})" for r in every], ""]
    return "\n".join(lines)
