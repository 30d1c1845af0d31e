"""bench/results/gutbrainie_calibration.md: the GutBrainIE relation threshold calibrated on the
60-document dev carve (issue 20). Made from the gutbrain-calibrate record only
(`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, recorded

RE_TASKS = {"binary_tag_RE": "6.2.1 binary tag", "ternary_tag_RE": "6.2.2 ternary tag",
            "ternary_mention_RE": "6.2.3 ternary mention"}


def row(name: str, s: dict) -> str:
    return (f"| {name} | " + " | ".join(
        f"{s[t]['micro_p']:.3f} / {s[t]['micro_r']:.3f} / **{s[t]['micro_f1']:.3f}** "
        f"({s[t]['predicted']} of {s[t]['gold']})" for t in RE_TASKS) + " |")


HEADER = ["| threshold | " + " | ".join(f"{t} P / R / F1 (predicted of gold)"
                                        for t in RE_TASKS.values()) + " |",
          "|---|---|---|---|"]


def calibration(record: Record) -> str:
    r = record.results
    chosen, cv = r["chosen_threshold"], r["cross_validated"]
    lines = ["# GutBrainIE 2025 relations: the threshold calibrated on dev", "",
             f"Dev: {r['dev']}. NER `{r['ner']}`, RE `{r['re']}` (both trained on the "
             "platinum + gold documents the carve leaves). docre predicts once, every relation "
             "with its score (the sigmoid of its score less the learned threshold class's); a "
             "threshold keeps the relations above it, which is what `model.threshold` does "
             "(0.5 is ATLOP's own rule). Chosen to maximise the "
             f"{r['objective']}: **{chosen}**.", ""]
    for setting, title in (("pipeline", "End to end (span NER, then docre)"),
                           ("gold_entities", "Over the gold entities")):
        s = r[setting]
        lines += [f"## {title}", "", *HEADER, row("0.5 (ATLOP)", s["atlop"]),
                  row("0.5, top 1 a pair", s["atlop_top1"]), row(f"{chosen} (chosen)",
                                                                 s["chosen"]),
                  row(f"{chosen}, top 1 a pair", s["chosen_top1"]), ""]
        if setting == "pipeline":
            ner = s["atlop"]["NER"]
            lines += [f"NER (span) on the carve: micro P {ner['micro_p']:.3f}, R "
                      f"{ner['micro_r']:.3f}, F1 **{ner['micro_f1']:.3f}** (macro F1 "
                      f"{ner['macro_f1']:.3f}). For scale, the organisers' baseline on the "
                      "official test set (published figures, not ours): NER 0.7927, binary "
                      "0.5947, ternary tag 0.5751, ternary mention 0.3288.", ""]
        lines += ["Every threshold:", "", *HEADER,
                  *[row(t, x) for t, x in s["by_threshold"].items()], ""]
        old = s["old_carve"]
        lines += [f"The {old['documents']} documents of the old carve: at 0.5 "
                  + ", ".join(f"{RE_TASKS[t]} {old['atlop'][t]['micro_f1']:.3f}"
                              for t in RE_TASKS)
                  + f"; at {chosen} " + ", ".join(f"{old['chosen'][t]['micro_f1']:.3f}"
                                                 for t in RE_TASKS) + ".", ""]
    lines += ["## Chosen on one half, scored on the other", "",
              f"The carve cut in two halves of {cv['halves'][0]} and {cv['halves'][1]} "
              "documents (seeded); a threshold chosen on one half is scored on the other, "
              "both ways, and the counts pooled: an estimate of what the choice gives on "
              f"documents it was not chosen on. Thresholds chosen: {cv['global_choices']}.", "",
              *HEADER, row("0.5 (ATLOP)", cv["atlop"]), row("one threshold", cv["global"]),
              row("a threshold per relation label", cv["per_label"]), "",
              f"Pipeline speed: {r['pipeline_abstracts_per_s']} abstracts/s (span NER then "
              "docre, one process).", "", record.made(), ""]
    return "\n".join(lines)


#: the tier experiments this page's table does not show yet: listed, with whether they ran
NOT_SHOWN = ["gutbrain-span-dev60-long", "gutbrain-calibrate-long", "gutbrain-atlop-silver-dev60",
             "gutbrain-calibrate-silver-re"]

# each span NER run: what it trained on, and the experiment that ran it end to end
TIERS = {"gutbrain-span-dev60": ("platinum + gold", "gutbrain-calibrate"),
         "gutbrain-span-silver-dev60": ("platinum + gold, silver at weight 0.5",
                                        "gutbrain-calibrate-silver")}


def _f1s(s: dict) -> str:
    return " / ".join(f"{s[t]['micro_f1']:.3f}" for t in RE_TASKS)


def tiers(pairs: list[tuple[Record, Record]]) -> str:
    """bench/results/gutbrainie_tiers.md from (span NER run, its end-to-end calibration)
    records, in TIERS' order: what each tier of training data gives, NER on the 60-document
    carve and the pipeline end to end over the same docre model."""
    runs = [run for run, _ in pairs]
    lines = ["# GutBrainIE 2025: what each tier of training data gives", "",
             "Made by `bench/report.py` from the records of the experiments "
             + ", ".join(f"`{n}`" for n in [*TIERS, *(c for _, c in TIERS.values())])
             + ". Dev: the "
             "60-document carve of platinum + gold (configs/gutbrainie-dev60-ids.txt), which "
             "no model here trained on. Each row trains the span NER model of "
             "configs/gutbrain-span.toml on other data (configs/gutbrain-span-silver.toml for "
             "silver: a second Mix source; `weight` is how many times an epoch each of its "
             "examples is seen on average), then runs it end to end before the same docre "
             "model (gutbrain-atlop-dev60, trained on platinum + gold; the silver row used "
             "its half-precision copy in the zoo, which scores the same on the carve at the "
             "shipped threshold), its "
             "threshold chosen on the carve (bench/gutbrain_calibrate.py). One seed each, 6 "
             "epochs on this CPU, both best at their last epoch: with more examples an epoch "
             "the silver run also took about twice the optimiser steps, and a control on "
             "platinum + gold at the same steps is not run yet (`gutbrain-span-dev60-long`). "
             "Abstracts/s is the pipeline's speed, the same architecture in both rows: its "
             "difference is the machine's noise or the entities (hence pairs) the NER model "
             "hands docre, not a cost of the tier.",
             "", "| NER trained on | examples an epoch | seconds an epoch | NER micro P / R / "
             "F1 (macro F1) | threshold | end to end binary / ternary tag / ternary mention "
             "F1 | the same, threshold chosen on the other half | abstracts/s |",
             "|---|---|---|---|---|---|---|---|"]
    for run, calibration_record in pairs:
        r, c = run.results, calibration_record.results
        ner = r["dev"]["NER"]
        seen = sum(x["an_epoch"] for x in r["training_data"].values())
        lines.append(f"| {TIERS[run.name][0]} | {seen} | {r['seconds_per_epoch']} | "
                     f"{ner['micro_p']:.3f} / "
                     f"{ner['micro_r']:.3f} / **{ner['micro_f1']:.3f}** "
                     f"({ner['macro_f1']:.3f}) | {c['chosen_threshold']} | "
                     f"{_f1s(c['pipeline']['chosen'])} | {_f1s(c['cross_validated']['global'])}"
                     f" | {c['pipeline_abstracts_per_s']} |")
    labels = sorted(runs[0].results["dev"]["NER"]["per_label_f1"])
    lines += ["", "NER F1 per type on the carve:", "",
              "| type | " + " | ".join(TIERS[r.name][0] for r in runs) + " |",
              "|---|" + "---|" * len(runs)]
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(
            f"{r.results['dev']['NER']['per_label_f1'].get(label, 0.0):.3f}" for r in runs)
            + " |")
    lines += ["", "For scale, the organisers' baseline on the official test set (published "
              "figures, not ours): NER 0.7927, binary 0.5947, ternary tag 0.5751, ternary "
              "mention 0.3288.", ""]
    for record in [*runs, *(c for _, c in pairs)]:
        lines += [f"`{record.name}`: " + record.made(), ""]
    lines += ["Declared in `bench/experiments.toml` for this page and not in its table yet: "
              + ", ".join(f"`{name}` ({'not run' if recorded(name)[1] else 'recorded'})"
                          for name in NOT_SHOWN)
              + " (the control on platinum + gold at the silver run's steps; docre with "
                "silver, end to end behind the silver-trained NER).", ""]
    return "\n".join(lines)
