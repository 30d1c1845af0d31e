"""`assay evaluate`: score predictions against gold data under a named protocol."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from assay import metrics
from assay.cli.common import (FORMAT_HELP, LENIENT_HELP, check_format, console, errors, fail,
                              ids_option, label_map_option, read_all, reading)
from assay.doc import Document
from assay.errors import FormatError
from assay.formats import gutbrainie
from assay.formats.base import write_json
from assay.metrics.documents import mention_free
from assay.metrics.gutbrainie import score_run
from assay.tasks.gutbrainie import SUBTASKS, held_subtasks

NAME = "evaluate"


def run(
    gold: Path = typer.Option(..., "--gold", "--data", help="gold file, folder or prefix"),
    pred: Path = typer.Option(None, help="predicted file, folder or prefix (same format)"),
    model: str = typer.Option(None, help="instead of --pred: run this model (a shipped "
                              "model's name or a model directory) over the gold documents"),
    runtime: str = typer.Option("torch", help="torch, or onnx for a model made by assay export"),
    batch_size: int = typer.Option(None, min=1, help="with --model: sentences a batch "
                                    "(default 32 on a CPU, 128 on a GPU)"),
    format: str = typer.Option(..., "--format", "-f", help=FORMAT_HELP, callback=check_format),
    protocol: str = typer.Option("strict", help=f"one of: {', '.join(metrics.PROTOCOLS)}"),
    json_out: Path = typer.Option(None, "--json", help="also write the scores as JSON here"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
    ids: Path = ids_option(),
    label_map: str = label_map_option(),
) -> None:
    """Score predicted documents against gold ones and print a table.

    Example: assay evaluate --gold dev.json --pred pred.json --format gutbrainie --protocol gutbrainie

    Example: assay evaluate --model software --data somd2025/dev --format somd --protocol somd

    Protocols: strict (entities strict / boundary / partial, relations strict / boundary),
    somd (entities, relations, total), gutbrainie (NER, binary_tag_RE, ternary_tag_RE,
    ternary_mention_RE), cid (CID), multitask (disjoint, merged). With --format gutbrainie
    --protocol gutbrainie, --pred may be an official run file (per PMID the list of one
    subtask, or of several): the subtasks it holds are scored, and named.
    """
    if protocol not in metrics.PROTOCOLS:
        fail(f"unknown protocol {protocol!r}; known: {', '.join(metrics.PROTOCOLS)}")
    if (pred is None) == (model is None):
        fail("give either --pred (a file of predictions) or --model (a model to run)")
    gold_docs = read_all(gold, format, lenient, ids, label_map)
    if model is not None:
        from assay.pipeline import load

        try:
            predicted = list(load(model, runtime).pipe(gold_docs, batch_size=batch_size))
        except (FileNotFoundError, ValueError) as err:
            fail(str(err))
    elif format == protocol == "gutbrainie":
        predicted = None
        scores = _score_run(gold_docs, pred, lenient)
    else:
        predicted = read_all(pred, format, lenient, ids, label_map)
    documents = quiet = None
    if predicted is not None:
        scores = _evaluate(gold_docs, predicted, protocol)
        documents = metrics.coverage(gold_docs, predicted)
        quiet = mention_free(gold_docs, predicted)
    scores = metrics.to_json(scores)
    if not any(s["support"] for s in scores.values()):
        fail(f"{gold} holds nothing that the {protocol} protocol scores (support 0 in every "
             "score): is it the right protocol and format for this data?")
    table = Table(title=f"{protocol}: {pred or model} against {gold}")
    columns = {"micro_p": "micro P", "micro_r": "micro R", "micro_f1": "micro F1",
               "macro_f1": "macro F1"}
    table.add_column("score", no_wrap=True)
    for header in [*columns.values(), "support"]:
        table.add_column(header, justify="right", no_wrap=True)
    for name, s in scores.items():
        table.add_row(name, *(f"{s[k]:.4f}" for k in columns), str(s["support"]))
    console.print(table)
    if documents is not None:
        _say_coverage(documents)
        scores["documents"] = documents
    if quiet and quiet["mention_free"]:
        console.print(f"sentences without a gold entity: {quiet['mention_free']} of "
                      f"{quiet['sentences']}; {quiet['false_positives']} entities predicted in "
                      f"them ({quiet['per_1000']} per 1,000 such sentences; "
                      f"{quiet['share_with_any']:.1%} of them have one)", highlight=False)
        scores["mention_free"] = quiet
    console.print("macro P and R, and the scores of each label, are in the --json output")
    if json_out:
        try:
            write_json(json_out, scores, indent=2)
        except FormatError as err:
            fail(str(err))


def _say_coverage(documents: dict) -> None:
    console.print(f"documents: {documents['gold']} gold, {documents['predicted']} predicted",
                  highlight=False)
    for key, what in (("missing", "gold document(s) have no prediction and are scored as "
                       "predicting nothing"), ("repeated", "document(s) are predicted more "
                       "than once; the first prediction is scored")):
        ids = documents[key]
        if ids:
            errors.print(f"[yellow]warning: {len(ids)} {what}, e.g. {', '.join(ids[:3])}"
                         "[/yellow]", highlight=False)


def _evaluate(gold: list[Document], predicted: list[Document], protocol: str) -> dict:
    try:
        return metrics.evaluate(gold, predicted, protocol)
    except ValueError as err:
        fail(str(err))


def _score_run(gold: list[Document], path: Path, lenient: bool) -> dict:
    """A GutBrainIE file is scored as a run file, the way the organisers' scorer reads it:
    only the subtask lists it holds (a full file holds all four), by PMID."""
    with reading(path, lenient) as problems:
        articles = gutbrainie.read_run(path, problems)
    held = held_subtasks(articles)
    if not held:
        fail(f"{path} holds none of the lists {', '.join(s.field for s in SUBTASKS)}")
    console.print(f"{path} holds {', '.join(f'{s.name} ({s.number})' for s in held)}; "
                  "only these are scored", soft_wrap=True, highlight=False)
    unknown = sorted(set(articles) - {d.id for d in gold})
    if unknown:
        errors.print(f"[yellow]warning: {len(unknown)} predicted document(s) are not in the gold "
                     f"data and are not scored, e.g. {', '.join(unknown[:3])}[/yellow]",
                     highlight=False)
    return score_run(gold, articles)
