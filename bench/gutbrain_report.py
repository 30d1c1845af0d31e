"""bench/results/gutbrainie_calibration.md: the GutBrainIE relation threshold calibrated on the
60-document dev carve (issue 20). Made from the gutbrain-calibrate record only
(`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record

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


# each span NER run: what it trained on, and the experiment that ran it end to end
TIERS = {"gutbrain-span-dev60": ("platinum + gold", "gutbrain-calibrate"),
         "gutbrain-span-dev60-long": ("platinum + gold, 12 epochs", "gutbrain-calibrate-long"),
         "gutbrain-span-silver-dev60": ("platinum + gold, silver at weight 0.5",
                                        "gutbrain-calibrate-silver")}
# each docre run: what it trained on, and the experiment that ran it end to end behind the
# silver-trained NER (the zoo's span model)
RELATION_TIERS = {"gutbrain-atlop-dev60": ("platinum + gold", "gutbrain-calibrate-silver"),
                  "gutbrain-atlop-silver-dev60": ("platinum + gold, silver at weight 0.5",
                                                  "gutbrain-calibrate-silver-re")}


def _f1s(s: dict) -> str:
    return " / ".join(f"{s[t]['micro_f1']:.3f}" for t in RE_TASKS)


def _seconds(run: Record) -> str:
    """Seconds an epoch, with the torch threads where the run was given a count."""
    threads = run.device.threads or ""
    shown = f" ({threads} thread{'' if threads == '1' else 's'})" if threads.isdigit() else ""
    return f"{run.results['seconds_per_epoch']}{shown}"


def _examples(run: Record) -> int:
    return sum(x["an_epoch"] for x in run.results["training_data"].values())


def tiers(pairs: list[tuple[Record, Record]], relation_pairs: list[tuple[Record, Record]]) -> str:
    """bench/results/gutbrainie_tiers.md from (span NER run, its end-to-end calibration)
    records in TIERS' order, and (docre run, its end-to-end calibration) records in
    RELATION_TIERS' order: what each tier of training data gives, on the 60-document carve."""
    runs = [run for run, _ in pairs]
    names = [*TIERS, *(c for _, c in TIERS.values()), *RELATION_TIERS,
             *(c for _, c in RELATION_TIERS.values())]
    lines = ["# GutBrainIE 2025: what each tier of training data gives", "",
             "Made by `bench/report.py` from the records of the experiments "
             + ", ".join(f"`{n}`" for n in dict.fromkeys(names)) + ". Dev: the "
             "60-document carve of platinum + gold (configs/gutbrainie-dev60-ids.txt), which "
             "no model here trained on. One seed each, on this CPU. Seconds an epoch: the "
             "runs marked 1 thread shared the machine's two cores with another run, one "
             "thread each; the others had both. Abstracts/s is the pipeline's speed, span NER "
             "then docre, the same architecture in every row: its differences are the "
             "machine's noise or the entities (hence pairs) the NER model hands docre, not a "
             "cost of the tier.", "", "## Entities: span NER trained on each tier", "",
             "Each row trains the span NER model of configs/gutbrain-span.toml on other data "
             "(configs/gutbrain-span-silver.toml for silver: a second Mix source; `weight` is "
             "how many times an epoch each of its examples is seen on average), then runs it "
             "end to end before the same docre model (gutbrain-atlop-dev60, trained on "
             "platinum + gold; all but the first row used its half-precision copy in the zoo, "
             "which scores the same on the carve at the shipped threshold), its threshold "
             "chosen on the carve (bench/gutbrain_calibrate.py). With twice the examples an "
             "epoch, the silver run's 6 epochs took about twice the optimiser steps of the "
             "first row's; the 12-epoch row is the control at the silver run's steps.",
             "", "| NER trained on | examples an epoch | seconds an epoch | epochs (best) | "
             "NER micro P / R / F1 (macro F1) | threshold | end to end binary / ternary tag / "
             "ternary mention F1 | the same, threshold chosen on the other half | abstracts/s |",
             "|---|---|---|---|---|---|---|---|---|"]
    for run, calibration_record in pairs:
        r, c = run.results, calibration_record.results
        ner = r["dev"]["NER"]
        lines.append(f"| {TIERS[run.name][0]} | {_examples(run)} | {_seconds(run)} | "
                     f"{r['epochs_run']} ({r['best_epoch']}) | {ner['micro_p']:.3f} / "
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
    lines += ["", "## Relations: docre trained on each tier", "",
              "Each row trains the docre model of configs/gutbrain-atlop.toml on other data "
              "(configs/gutbrain-atlop-silver.toml for silver, weighted as above), then runs it "
              "behind the same NER, the silver-trained span model as the zoo's `gutbrain` "
              "ships it (gutbrain-span-silver-dev60 in half precision), its threshold chosen "
              "on the carve. Over gold entities: docre alone, at ATLOP's own threshold (the "
              "run's selected epoch) and at the chosen one. Predicted / gold: binary tag "
              "relations end to end at the chosen threshold.", "",
              "| docre trained on | examples an epoch | seconds an epoch | epochs (best) | "
              "over gold entities, 0.5: binary / ternary tag / ternary mention F1 | threshold "
              "| over gold entities, that threshold | end to end | the same, threshold chosen "
              "on the other half | predicted / gold | abstracts/s |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run, calibration_record in relation_pairs:
        r, c = run.results, calibration_record.results
        binary = c["pipeline"]["chosen"]["binary_tag_RE"]
        lines.append(f"| {RELATION_TIERS[run.name][0]} | {_examples(run)} | {_seconds(run)} | "
                     f"{r['epochs_run']} ({r['best_epoch']}) | {_f1s(r['dev'])} | "
                     f"{c['chosen_threshold']} | {_f1s(c['gold_entities']['chosen'])} | "
                     f"**{_f1s(c['pipeline']['chosen'])}** | "
                     f"{_f1s(c['cross_validated']['global'])} | "
                     f"{binary['predicted']} / {binary['gold']} | "
                     f"{c['pipeline_abstracts_per_s']} |")
    lines += ["", "For scale, the organisers' baseline on the official test set (published "
              "figures, not ours): NER 0.7927, binary 0.5947, ternary tag 0.5751, ternary "
              "mention 0.3288.", ""]
    shown = [*runs, *(c for _, c in pairs), *(r for r, _ in relation_pairs),
             *(c for _, c in relation_pairs)]
    for record in {r.name: r for r in shown}.values():
        lines += [f"`{record.name}`: " + record.made(), ""]
    return "\n".join(lines)
