"""Two GutBrainIE pages of bench/results/ (issue 20), which `bench/report.py` writes:
gutbrainie_calibration.md, the relation threshold calibrated on the 60-document dev carve (from
the gutbrain-calibrate record), and gutbrainie_tiers.md, what each tier of training data gives
(from the runs of TIERS and RELATION_TIERS and their end-to-end calibrations)."""
from __future__ import annotations

import math

from records import Record, recorded, waiting_line

RE_TASKS = {"binary_tag_RE": "6.2.1 binary tag", "ternary_tag_RE": "6.2.2 ternary tag",
            "ternary_mention_RE": "6.2.3 ternary mention"}


def row(name: str, s: dict) -> str:
    return (f"| {name} | " + " | ".join(
        f"{s[t]['micro_p']:.3f} / {s[t]['micro_r']:.3f} / **{s[t]['micro_f1']:.3f}** "
        f"({s[t]['predicted']} of {s[t]['gold']})" for t in RE_TASKS) + " |")


HEADER = ["| threshold | " + " | ".join(f"{t} P / R / F1 (predicted of gold)"
                                        for t in RE_TASKS.values()) + " |",
          "|---|---|---|---|"]


def _top_k(s: dict, rule: str, threshold) -> list[str]:
    """The rows of ATLOP's top-k at the rule's threshold (`{rule}_top{k}`), k ascending."""
    return [row(f"{threshold}, top {key.rsplit('_top', 1)[1]} a pair", x)
            for key, x in s.items() if key.startswith(f"{rule}_top")]


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
                  *_top_k(s, "atlop", "0.5"), row(f"{chosen} (chosen)", s["chosen"]),
                  *_top_k(s, "chosen", chosen), ""]
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
                                        "gutbrain-calibrate-silver"),
         "gutbrain-span-silver-dev60-long": ("platinum + gold, silver at weight 0.5, 10 epochs",
                                             "gutbrain-calibrate-silver-long"),
         "gutbrain-span-bronze-dev60": ("platinum + gold, silver at 0.5, bronze at 0.25",
                                        "gutbrain-calibrate-bronze")}
# each docre run: what it trained on, and the experiment that ran it end to end behind the
# silver-trained NER
RELATION_TIERS = {"gutbrain-atlop-dev60": ("platinum + gold", "gutbrain-calibrate-silver"),
                  "gutbrain-atlop-silver-dev60": ("platinum + gold, silver at weight 0.5",
                                                  "gutbrain-calibrate-silver-re"),
                  "gutbrain-atlop-bronze-dev60": ("platinum + gold, silver at 0.5, bronze at "
                                                  "0.25", "gutbrain-calibrate-bronze-re")}


# the span NER threshold chosen on the carve for the shipped span model, then end to end
NER_THRESHOLD = "gutbrain-ner-threshold"
NER_THRESHOLD_END_TO_END = "gutbrain-calibrate-ner-threshold"
# what MPNet-base costs beside MiniLM, and the shipped configuration trained on it
ENCODER_SPEED = "speed-gutbrain-encoders"
MPNET = ["gutbrain-span-silver-mpnet-dev60", "gutbrain-atlop-silver-mpnet-dev60",
         "gutbrain-calibrate-mpnet"]


def _encoders(speed: Record) -> list[str]:
    """The section on encoders: each recipe's training and prediction speed on each."""
    r = speed.results
    lines = ["", "## Encoders: what MPNet-base costs beside MiniLM", "",
             f"`{speed.name}` (bench/encoder_speed.py): one epoch of each recipe on its first "
             f"{r['train_docs']} training documents, then prediction over the documents of "
             "its dev carve (docre over their gold entities), after a warm-up over the same; "
             "documents a second. Training on the MPNet-base runs declared below "
             f"({', '.join(f'`{n}`' for n in MPNET)}) waits for a machine where it pays.", "",
             "| encoder | recipe | training documents/s | prediction documents/s | "
             "prediction sentences/s (the encoder alone) | pipeline abstracts/s |",
             "|---|---|---|---|---|---|"]
    for encoder, found in r["encoders"].items():
        for recipe, x in found["recipes"].items():
            p = x["prediction"]
            lines.append(f"| {encoder} | {recipe} | {x['training']['documents_per_s']} | "
                         f"{p['documents_per_s']}{_threads(speed)} | {p['sentences_per_s']} "
                         f"({p['ceiling_sentences_per_s']}) | "
                         f"{found['pipeline_abstracts_per_s']} |")
    return lines


def _f1s(s: dict) -> str:
    return " / ".join(f"{s[t]['micro_f1']:.3f}" for t in RE_TASKS)


def _threads(record: Record) -> str:
    """` (N threads)` where the record kept the threads its run was given."""
    threads = record.device.threads or ""
    return f" ({threads} thread{'' if threads == '1' else 's'})" if threads.isdigit() else ""


def _training(run: Record) -> str:
    """Examples an epoch, optimiser steps, seconds an epoch and epochs run (best): the
    training columns of both tables."""
    r = run.results
    examples = sum(x["an_epoch"] for x in r["training_data"].values())
    steps = math.ceil(examples / run.recipe["train"]["batch_size"]) * r["epochs_run"]
    return (f"{examples} | {steps} | {r['seconds_per_epoch']}{_threads(run)} | "
            f"{r['epochs_run']} ({r['best_epoch']})")


def _model(record: Record, path: str) -> str:
    """A model `record` ran, named by its path; a zoo model with the commit the record was
    made at, as the zoo's models change when re-shipped."""
    at = f"@{record.commit.sha[:7]}" if record.commit.sha and path.startswith("src/assay/zoo/") \
        else ""
    return f"`{path}{at}`"


def _models(record: Record) -> str:
    """The NER and docre models a calibration ran."""
    return ", ".join(_model(record, record.results[k]) for k in ("ner", "re"))


def _shown(table: dict) -> list[tuple[Record, Record]]:
    """(run, end-to-end calibration) of the table's rows whose records are both there."""
    pairs = []
    for run, (_, end_to_end) in table.items():
        found, calibrated = recorded(run)[0], recorded(end_to_end)[0]
        if found and calibrated:
            pairs.append((found[0], calibrated[0]))
    return pairs


def _ner_threshold(record: Record, end_to_end: Record) -> list[str]:
    """The span NER threshold section: NER at every threshold of one prediction, the one
    chosen on the carve, the same chosen on one half and scored on the other, and the model at
    the chosen threshold end to end."""
    r, e = record.results, end_to_end.results
    cv = r["cross_validated"]
    lines = ["", "## The NER threshold", "",
             f"{_model(record, r['ner'])} predicts once over the carve at {r['grid'][0]}; a "
             "threshold keeps "
             "the entities scored above it, which is what the model "
             "predicts with `model.threshold` set to it (bench/gutbrain_ner_threshold.py). "
             f"Chosen for NER micro F1 on the carve: **{r['chosen_threshold']}**.", "",
             "| threshold | NER micro P / R / F1 (macro F1) | predicted of gold |",
             "|---|---|---|"]
    for t, x in r["by_threshold"].items():
        lines.append(f"| {t} | {x['micro_p']:.3f} / {x['micro_r']:.3f} / **{x['micro_f1']:.3f}**"
                     f" ({x['macro_f1']:.3f}) | {x['predicted']} of {x['gold']} |")
    default, chosen = cv["default"], cv["chosen"]
    lines += ["", f"Chosen on one half ({cv['halves'][0]} documents) and scored on the other, "
              f"both ways, counts pooled: thresholds chosen {cv['global_choices']}, NER micro "
              f"F1 {chosen['micro_f1']:.3f} (macro {chosen['macro_f1']:.3f}) against "
              f"{default['micro_f1']:.3f} ({default['macro_f1']:.3f}) at 0.5.", "",
              f"End to end at {r['chosen_threshold']} ({_models(end_to_end)}, relation threshold "
              f"{e['chosen_threshold']}): binary / ternary tag / ternary mention F1 "
              f"{_f1s(e['pipeline']['chosen'])}; the relation threshold chosen on the other "
              f"half {_f1s(e['cross_validated']['global'])}."]
    return lines


def tiers() -> str:
    """bench/results/gutbrainie_tiers.md: what each tier of training data gives on the
    60-document carve, for NER (TIERS) and for relations (RELATION_TIERS); a row shows once
    both its records are there."""
    pairs, relation_pairs = _shown(TIERS), _shown(RELATION_TIERS)
    runs = [run for run, _ in pairs]
    names = [*TIERS, *(c for _, c in TIERS.values()), NER_THRESHOLD, NER_THRESHOLD_END_TO_END,
             *RELATION_TIERS,
             *(c for _, c in RELATION_TIERS.values()), ENCODER_SPEED, *MPNET]
    lines = ["# GutBrainIE 2025: what each tier of training data gives", "",
             "Made by `bench/report.py` from the records of the experiments "
             + ", ".join(f"`{n}`" for n in dict.fromkeys(names)) + ". Dev: the "
             "60-document carve of platinum + gold (configs/gutbrainie-dev60-ids.txt), which "
             "no model here trained on. One seed each, on this CPU. Optimiser steps: batches "
             "an epoch times the epochs run. Seconds an epoch and abstracts/s show the torch "
             "threads a run was given where its record kept them (the notes below say which "
             "runs shared the machine). End to end: span NER then docre on the carve, the "
             "relation threshold chosen on the carve (bench/gutbrain_calibrate.py), and the "
             "same chosen on one half and scored on the other; the NER and docre models used "
             "are named in each row: a `src/assay/zoo/gutbrain` one is the half-precision copy "
             "of the run it was made from, with the same scores on the carve "
             "(src/assay/zoo/gutbrain/shipping.json). Abstracts/s is the pipeline's speed, the "
             "same architecture in every row: its differences are the machine's load or the "
             "entities (hence pairs) the NER model hands docre, not a cost of the tier.", "",
             "## Entities: span NER trained on each tier", "",
             "Each row trains the span NER model of configs/gutbrain-span.toml on other data "
             "(configs/gutbrain-span-silver.toml for silver: a second Mix source; `weight` is "
             "how many times an epoch each of its examples is seen on average), then runs it "
             "end to end before the docre model named in the row (a zoo model with the "
             "commit it was taken at): before 680e9f0 the zoo's docre was gutbrain-atlop-dev60 "
             "(platinum + gold), from 680e9f0 on it is gutbrain-atlop-silver-dev60 (with "
             "silver), so the relations of rows behind the second compare with the "
             "relations table's silver row, not with the rows behind the first. The 12-epoch "
             "row is platinum + gold alone at about the silver run's optimiser steps; bronze "
             "is a third source beside silver.", "",
             "| NER trained on | examples an epoch | optimiser steps | seconds an epoch | "
             "epochs (best) | NER micro P / R / F1 (macro F1) | NER, docre end to end | "
             "threshold | end to end binary / ternary tag / ternary mention F1 | the same, "
             "threshold chosen on the other half | abstracts/s |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for run, calibration_record in pairs:
        c = calibration_record.results
        ner = run.results["dev"]["NER"]
        lines.append(f"| {TIERS[run.name][0]} | {_training(run)} | {ner['micro_p']:.3f} / "
                     f"{ner['micro_r']:.3f} / **{ner['micro_f1']:.3f}** "
                     f"({ner['macro_f1']:.3f}) | {_models(calibration_record)} | "
                     f"{c['chosen_threshold']} | "
                     f"{_f1s(c['pipeline']['chosen'])} | {_f1s(c['cross_validated']['global'])}"
                     f" | {c['pipeline_abstracts_per_s']}{_threads(calibration_record)} |")
    if runs:
        labels = sorted(runs[0].results["dev"]["NER"]["per_label_f1"])
        lines += ["", "NER F1 per type on the carve:", "",
                  "| type | " + " | ".join(TIERS[r.name][0] for r in runs) + " |",
                  "|---|" + "---|" * len(runs)]
        for label in labels:
            lines.append(f"| {label} | " + " | ".join(
                f"{r.results['dev']['NER']['per_label_f1'].get(label, 0.0):.3f}" for r in runs)
                + " |")
    threshold = [*recorded(NER_THRESHOLD)[0], *recorded(NER_THRESHOLD_END_TO_END)[0]]
    lines += _ner_threshold(*threshold) if len(threshold) == 2 else []
    lines += ["", "## Relations: docre trained on each tier", "",
              "Each row trains the docre model of configs/gutbrain-atlop.toml on other data "
              "(configs/gutbrain-atlop-silver.toml for silver, weighted as above), then runs it "
              "end to end behind the same NER, the silver-trained span model. Over gold "
              "entities: docre alone, at ATLOP's own threshold (the run's selected epoch) and "
              "at the threshold chosen end to end. Predicted / gold: binary tag relations end "
              "to end at the chosen threshold.", "",
              "| docre trained on | examples an epoch | optimiser steps | seconds an epoch | "
              "epochs (best) | over gold entities, 0.5: binary / ternary tag / ternary mention "
              "F1 | NER, docre end to end | threshold | over gold entities, that threshold | "
              "end to end | the same, threshold chosen on the other half | predicted / gold | "
              "abstracts/s |", "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for run, calibration_record in relation_pairs:
        c = calibration_record.results
        binary = c["pipeline"]["chosen"]["binary_tag_RE"]
        lines.append(f"| {RELATION_TIERS[run.name][0]} | {_training(run)} | "
                     f"{_f1s(run.results['dev'])} | {_models(calibration_record)} | "
                     f"{c['chosen_threshold']} | "
                     f"{_f1s(c['gold_entities']['chosen'])} | "
                     f"**{_f1s(c['pipeline']['chosen'])}** | "
                     f"{_f1s(c['cross_validated']['global'])} | "
                     f"{binary['predicted']} / {binary['gold']} | "
                     f"{c['pipeline_abstracts_per_s']}{_threads(calibration_record)} |")
    speed = recorded(ENCODER_SPEED)[0]
    lines += _encoders(speed[0]) if speed else []
    lines += ["", "For scale, the organisers' baseline on the official test set (published "
              "figures, not ours): NER 0.7927, binary 0.5947, ternary tag 0.5751, ternary "
              "mention 0.3288.", ""]
    shown = [*runs, *(c for _, c in pairs), *threshold, *(r for r, _ in relation_pairs),
             *(c for _, c in relation_pairs), *speed]
    for record in {r.name: r for r in shown}.values():
        note = f" {record.note}" if record.note else ""
        lines += [f"`{record.name}`: " + record.made() + note, ""]
    lines += waiting_line(list(dict.fromkeys(names)))
    return "\n".join(lines)
