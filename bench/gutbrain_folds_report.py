"""bench/results/gutbrainie_folds.md: GutBrainIE 2025 over five cross-validation folds of
platinum + gold (issue 20: selection you can trust), each fold's figures and their mean ± std.
Made from the records of the fold experiments only (`bench/report.py` writes it); a fold
without its records yet is listed as waiting, and the mean is over the folds recorded."""
from __future__ import annotations

from assay.formats.base import listed_ids
from gutbrain_report import RE_TASKS
from records import ROOT, Record, mean_std, recorded, waiting_line

FOLDS = 5
#: the organisers' baseline on the official test set (published figures, not ours)
BASELINE = {"NER": 0.7927, "binary_tag_RE": 0.5947, "ternary_tag_RE": 0.5751,
            "ternary_mention_RE": 0.3288}
#: each fold's experiments: span NER (with silver), docre, and the two end to end
STEPS = ("gutbrain-span-silver-fold{k}", "gutbrain-atlop-silver-fold{k}",
         "gutbrain-calibrate-fold{k}")
#: the figures a fold gives, from its calibration record: (column, where it is)
FIGURES = [("NER", ("pipeline", "atlop", "NER")),
           *[(f"{name} at 0.5", ("pipeline", "atlop", task)) for task, name in RE_TASKS.items()],
           *[(f"{name}, threshold chosen on the other half", ("cross_validated", "global", task))
             for task, name in RE_TASKS.items()],
           *[(f"{name} over gold entities, chosen threshold", ("gold_entities", "chosen", task))
             for task, name in RE_TASKS.items()]]


def _at(results: dict, path: tuple[str, ...]) -> dict:
    for key in path:
        results = results[key]
    return results


def folds() -> str:
    done: dict[int, list[Record]] = {}
    for k in range(1, FOLDS + 1):
        found = [recorded(step.format(k=k))[0] for step in STEPS]
        if all(found):
            done[k] = [records[0] for records in found]
    lines = ["# GutBrainIE 2025: five-fold cross-validation over platinum + gold", "",
             "Made by `bench/report.py` from the records of the experiments "
             "`gutbrain-span-silver-fold{k}`, `gutbrain-atlop-silver-fold{k}` and "
             "`gutbrain-calibrate-fold{k}`. The folds: `bench/gutbrain_carve.py --folds 5` "
             "(configs/gutbrainie-fold{k}-ids.txt; platinum + gold stratified by relation "
             "count, seed 13). Each fold trains the span NER model of "
             "configs/gutbrain-span-silver.toml and the docre model of "
             "configs/gutbrain-atlop-silver.toml (each with silver as a second Mix source) on "
             "the other four folds, then runs them end "
             "to end on the fold (bench/gutbrain_calibrate.py --dev-ids): NER, and each RE "
             "subtask at ATLOP's threshold (0.5) and at a threshold chosen on one half of the "
             "fold and scored on the other (both ways, counts pooled); the last rows give "
             "docre the gold entities (no baseline beside them: the organisers' figures are end to "
             "end). Micro F1.",
             ""]
    if not done:
        lines += ["No fold has all its records yet.", ""]
    else:
        sizes = [len(listed_ids(ROOT / f"configs/gutbrainie-fold{k}-ids.txt")) for k in done]
        lines += ["| micro F1 | " + " | ".join(f"fold {k} ({n} documents)"
                                              for k, n in zip(done, sizes))
                  + f" | mean ± std over {len(done)} of {FOLDS} folds | organisers' baseline "
                  "(test, published) |", "|---" * (len(done) + 3) + "|"]
        means = {}
        for column, path in FIGURES:
            scores = [_at(c.results, path) for _, _, c in done.values()]
            mean, std = mean_std([s["micro_f1"] for s in scores])
            means[column] = mean
            counted = path[-1] == "binary_tag_RE"
            lines.append(f"| {column} | " + " | ".join(
                f"{s['micro_f1']:.3f}" + (f" ({s['predicted']} of {s['gold']})" if counted
                                          else "") for s in scores)
                + f" | **{mean:.3f}**" + (f" ± {std:.3f}" if len(scores) > 1 else "")
                + f" | {'–' if path[0] == 'gold_entities' else BASELINE[path[-1]]} |")
        lines += ["| threshold chosen on the whole fold | " + " | ".join(
            str(c.results["chosen_threshold"]) for _, _, c in done.values()) + " | | |", "",
            "Bracketed: relations predicted of gold, binary RE. Above the baseline on "
            "cross-validated dev, end to end (NER; RE at the threshold chosen on the other "
            "half): " + "; ".join(
                f"{RE_TASKS.get(task, task)} {'yes' if means[column] > BASELINE[task] else 'no'}"
                for column, (where, *_, task) in FIGURES
                if task == "NER" or where == "cross_validated")
            + ("" if len(done) == FOLDS else f" (so far: {len(done)} of {FOLDS} folds)")
            + ".", ""]
        seconds = [(span.results["seconds_per_epoch"], docre.results["seconds_per_epoch"])
                   for span, docre, _ in done.values()]
        lines += ["Seconds an epoch (span NER / docre), by fold: "
                  + ", ".join(f"{a:.0f} / {b:.0f}" for a, b in seconds) + ".", ""]
        for record in (r for records in done.values() for r in records):
            lines += [f"`{record.name}`: " + record.made(), ""]
    lines += waiting_line([step.format(k=k) for k in range(1, FOLDS + 1) for step in STEPS])
    return "\n".join(lines)
