"""`assay extract`: run a model over text or files."""
from __future__ import annotations

import signal
import sys
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import Iterable, Iterator

import typer
from rich.progress import MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from assay import formats
from assay.cli.common import (FORMAT_HELP, LENIENT_HELP, console, errors, fail, read_all,
                              read_checked, say_lost)
from assay.doc import Document
from assay.errors import FormatError, Problems
from assay.formats.fit import fitted

NAME = "extract"
TEXT = "text"


SUFFIXES = {".jsonl": "jsonl", ".conll": "conll", ".iob": "conll", ".iob2": "conll",
            ".bio": "conll", ".pubtator": "pubtator", ".ann": "brat"}
AMBIGUOUS = {".json": "dygie, spert, gutbrainie or genia"}
ENGINES = ("local", "ray")


def run(
    text: str = typer.Argument(None, help="text to extract from (or give --input, or stdin)"),
    model: str = typer.Option("software", help="a shipped model's name or a model directory"),
    input: Path = typer.Option(None, "--input", "-i", help="a file or a folder of files"),
    input_format: str = typer.Option(None, help=f"'{TEXT}' (plain text, one document a file) "
                                     f"or a reader's {FORMAT_HELP}. Without it: from the file's "
                                     "extension (.jsonl, .conll, .pubtator, .ann), else plain "
                                     "text, and the command says which"),
    output: Path = typer.Option(None, "--output", "-o", help="write the documents here"),
    output_format: str = typer.Option("jsonl", help=FORMAT_HELP),
    resume: bool = typer.Option(False, help="go on from the OUTPUT.partial an interrupted run "
                                "left: its documents are kept, the others extracted"),
    runtime: str = typer.Option("torch", help="torch, or onnx for a model made by assay export"),
    labels: str = typer.Option(None, help="label-prompted models (span, llm): the entity "
                               "types to find, comma-separated, seen in training or not"),
    llm: str = typer.Option(None, help="ask a language model instead of --model, zero-shot: "
                            "`smollm2` (packaged), a Hugging Face id or path, or the URL of an "
                            "OpenAI-compatible server (http://host:port/v1); needs --labels"),
    served_model: str = typer.Option("default", help="with --llm URL: the model's name at "
                                     "the server"),
    template: str = typer.Option("general", help="with --llm: the prompt template, iepile, "
                                 "uninner, yayi or general"),
    show_prompts: Path = typer.Option(None, help="LLM models: write each prompt, its raw answer "
                                      "and what was made of it to this file (JSON lines)"),
    batch_size: int = typer.Option(None, min=1, help="sentences (or windows) a batch "
                                    "(default 32 on a CPU, 128 on a GPU)"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
    engine: str = typer.Option("local", help="local (this process), or ray: a JSON-lines "
                               "--input cut into shards written to the --output folder by a "
                               "pool of Ray actors; a rerun skips the shards already written"),
    ray_address: str = typer.Option(None, envvar="RAY_ADDRESS", help="with --engine ray: the "
                                    "cluster to join; without it a local Ray is started"),
    shard_size: int = typer.Option(1024, min=1, help="with --engine ray: documents a shard"),
    actors: int = typer.Option(None, min=1, help="with --engine ray: model copies (default: "
                               "the cluster's CPUs)"),
) -> None:
    """Find entities and relations in text, print them as a table or write them as files.

    Example: assay extract "We used Stata 13 (StataCorp) and the lme4 package for R."

    Example: assay extract --input papers/ --output found.jsonl

    Documents read with a reader format keep their ids and sections; their annotations are
    replaced by the predictions (this is how a shared-task submission is made). Long texts
    are split into sentences and windows, never truncated. The output becomes OUTPUT only
    when complete; interrupted (Ctrl-C, SIGTERM), the documents done are written to
    OUTPUT.partial, and --resume goes on from them.
    """
    from assay.pipeline import load, prompt_counts

    if output_format not in formats.FORMATS:
        fail(f"unknown --output-format {output_format!r}; known: {', '.join(formats.FORMATS)}")
    if engine not in ENGINES:
        fail(f"unknown --engine {engine!r}; known: {', '.join(ENGINES)}")
    if engine == "ray":
        return _on_ray(input, _input_format(input, input_format), output, output_format, model,
                       runtime, labels, llm, batch_size, shard_size, actors, ray_address,
                       lenient)
    if output is not None and output.is_dir() and output_format not in formats.MULTI_FILE:
        fail(f"{output}: is a folder; {output_format} writes one file: give its name")
    if resume and output is None:
        fail("--resume goes on writing an --output; give the same --output as before")
    input_format = _input_format(input, input_format)
    docs, total = _documents(text, input, input_format, lenient)
    wanted = [t.strip() for t in labels.split(",") if t.strip()] if labels else None
    try:
        nlp = _llm(llm, wanted, served_model, template) if llm else load(model, runtime, wanted)
    except (FileNotFoundError, ValueError) as err:
        fail(str(err))
    if show_prompts is not None:
        prompting = [e for e in nlp.extractors if e.family.prompts]
        if not prompting:
            fail(f"--show-prompts: the {nlp.extractors[0].family.name} family prompts no "
                 "language model")
        transcript = open(show_prompts, "w", encoding="utf-8", buffering=1)  # a line at a time
        for extractor in prompting:
            extractor.show_prompts(transcript)
    if output is None:
        for doc in nlp.pipe(docs, batch_size=batch_size):
            _print(doc)
        _say_prompt_counts(prompt_counts(nlp.extractors))
        return
    partial = output.with_name(output.name + ".partial")
    done = _done(partial, output_format) if resume else []
    if not resume and formats.exists(partial, output_format):
        fail(f"{partial} holds the documents of an interrupted run: --resume to go on from "
             "them, or remove it to start again")
    if done:
        docs = _after(docs, done, partial)
        console.print(f"resuming: {len(done)} documents done in {partial}", highlight=False)
    written, interrupted = _write(iter(nlp.pipe(docs, batch_size=batch_size)), done, partial,
                                  output_format, total - len(done), show=input is not None)
    if interrupted:
        _say_prompt_counts(prompt_counts(nlp.extractors))  # the prompts asked before the stop
        if not written:
            formats.remove(partial, output_format)
            errors.print("[yellow]interrupted before any document was done; nothing written"
                         "[/yellow]")
        else:
            errors.print(f"[yellow]interrupted: {written} of {total} documents written to "
                         f"{partial}; run the same command with --resume to extract the rest"
                         "[/yellow]", highlight=False)
        raise typer.Exit(code=130)
    try:
        formats.move(partial, output, output_format)
    except FormatError as err:
        fail(str(err))
    console.print(f"wrote {written} documents to {output} ({output_format})")
    _say_prompt_counts(prompt_counts(nlp.extractors))


def _say_prompt_counts(c: dict[str, int] | None) -> None:
    """What a language model's answers came to beyond the entities (on stderr): mentions it
    gave that are not in the text, of types not asked, answers cut or repaired."""
    if c and c["prompts"]:
        errors.print(f"{_count(c['prompts'], 'prompt')} asked: "
                     f"{_count(c['unplaced'], 'answered mention')} not in the text (not "
                     f"placed), {c['unknown_types']} of a type not asked (dropped), "
                     f"{_count(c['cut'], 'answer')} cut at target_length, "
                     f"{c['mended']} repaired to parse as JSON", highlight=False)


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" + ("" if n == 1 else "s")


def _on_ray(input: Path | None, input_format: str, output: Path | None, output_format: str,
            model: str, runtime: str, labels: str | None, llm: str | None,
            batch_size: int | None, shard_size: int, actors: int | None, address: str | None,
            lenient: bool) -> None:
    """`--engine ray`: see `assay.ray_extract`."""
    if input is None or input_format != "jsonl" or not input.is_file():
        fail("--engine ray reads one JSON-lines --input file (assay convert makes one)")
    if output is None:
        fail("--engine ray writes shards into an --output folder")
    if llm:
        fail("--engine ray runs --model; --llm is not supported there")
    try:
        from assay import ray_extract
        import ray  # noqa: F401
    except ImportError:
        fail("--engine ray needs the ray extra: pip install 'assay[ray]'")
    wanted = [t.strip() for t in labels.split(",") if t.strip()] if labels else None
    from assay.pipeline import resolve_model

    try:  # before the output folder is claimed for this model
        resolve_model(model)
    except FileNotFoundError as err:
        fail(str(err))
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn(), console=console,
                  transient=True) as progress:
        task = progress.add_task("extracting on ray", total=None)
        outcome = ray_extract.extract(
            input, output, model, output_format, runtime, wanted, batch_size, shard_size,
            actors, address=address, lenient=lenient,
            progress=lambda done, todo: progress.update(task, completed=done, total=todo))
    if outcome.done_before:
        console.print(f"{outcome.done_before} of {outcome.shards} shards were already written "
                      "(skipped)", highlight=False)
    if outcome.skipped:
        errors.print(f"[yellow]{outcome.skipped} bad lines left out (--lenient)[/yellow]")
    console.print(f"wrote {outcome.written} documents to {output} in "
                  f"{outcome.shards - outcome.done_before - len(outcome.errors)} shards "
                  f"({output_format}, {outcome.seconds:.1f} s)", highlight=False)
    _say_prompt_counts(outcome.prompt_counts)
    if outcome.errors:
        fail(f"{len(outcome.errors)} shards failed, the first: {outcome.errors[0]}; fix the "
             "input and run again: the shards written are kept")


def _llm(llm: str, labels: list[str] | None, served_model: str, template: str):
    """A zero-shot LLM pipeline: a local model, or a server when `llm` is a URL."""
    from assay.pipeline import ask

    if not labels:
        fail("--llm needs --labels: the entity types to ask for, comma-separated")
    if llm.startswith(("http://", "https://")):
        return ask(labels, model=served_model, url=llm, template=template)
    return ask(labels, model=llm, template=template)


def _write(predicted: Iterator[Document], done: list[Document], partial: Path, format: str,
           todo: int, show: bool) -> tuple[int, bool]:
    """Write `done`, then each predicted document as it comes, to `partial`. Ctrl-C or SIGTERM
    stops it: at once while the model works (what it had not given back is lost), after the
    document in hand while the writer works; then the documents done are written. Returns
    (documents written, whether stopped). What the format cannot hold (`formats.fit`: a
    relation in CoNLL, a blank document) is left out and said."""
    state = {"kept": 0, "stop": False, "in_model": False}
    lost: Counter = Counter()

    def stop(signum, frame) -> None:
        state["stop"] = True
        if state["in_model"]:
            raise KeyboardInterrupt

    def counted() -> Iterator[Document]:
        yield from done
        with Progress(*Progress.get_default_columns(), MofNCompleteColumn(),
                      TextColumn("{task.fields[rate]}"), console=console, transient=True,
                      disable=not show) as progress:
            task = progress.add_task("extracting", total=todo, rate="")
            while not state["stop"]:
                state["in_model"] = True
                try:
                    doc = next(predicted)
                except StopIteration:
                    return
                except KeyboardInterrupt:
                    state["stop"] = True
                    return
                finally:
                    state["in_model"] = False
                progress.update(task, advance=1, rate=_rate(progress.tasks[0]))
                yield doc

    def kept() -> Iterator[Document]:
        for doc in fitted(counted(), format, True, lost):
            state["kept"] += 1
            yield doc

    before = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        formats.write(kept(), partial, format)
    except FormatError as err:
        fail(f"{err}\n(the output was not written)")
    finally:
        for sig, handler in before.items():
            signal.signal(sig, handler)
    say_lost(format, lost)
    return state["kept"], state["stop"]


def _after(docs: Iterable[Document], done: list[Document], partial: Path
           ) -> Iterator[Document]:
    """The input documents after the `done` ones, which must be its first, in order (ids may
    repeat in an input: a run is resumed by position, not by id)."""
    docs = iter(docs)
    for k, (given, was) in enumerate(zip(islice(docs, len(done)), done), 1):
        if given.id != was.id:
            fail(f"--resume: document {k} of {partial} is {was.id!r}, of the input "
                 f"{given.id!r}: it is not a run over this input")
    return docs


def _rate(task) -> str:
    return f"{task.speed:.1f} documents/s" if task.speed else ""


def _done(partial: Path, format: str) -> list[Document]:
    if format not in formats.KEEP_IDS:
        fail(f"--resume needs an output format that keeps document ids ({', '.join(formats.KEEP_IDS)}); "
             f"{format} numbers them anew")
    if not partial.exists():
        fail(f"{partial}: no such file; nothing to resume (run without --resume)")
    return read_all(partial, format, lenient=False)


def _input_format(input: Path | None, given: str | None) -> str:
    if given is not None:
        if given != TEXT and given not in formats.FORMATS:
            fail(f"unknown --input-format {given!r}; known: {TEXT}, "
                 f"{', '.join(formats.FORMATS)}")
        return given
    if input is None:
        return TEXT
    suffix = input.suffix.lower()
    if suffix in AMBIGUOUS:
        fail(f"{input}: a {suffix} file can be {AMBIGUOUS[suffix]}; give --input-format")
    if suffix in SUFFIXES:
        errors.print(f"reading {input} as {SUFFIXES[suffix]} (from its extension; "
                     "--input-format to say otherwise)", highlight=False)
        return SUFFIXES[suffix]
    errors.print(f"reading {input} as plain text, one document a file (--input-format for "
                 "one of the annotated formats)", highlight=False)
    return TEXT


def _documents(text: str | None, input: Path | None, input_format: str,
               lenient: bool) -> tuple[Iterable[Document], int]:
    """The documents to extract from and how many there are. Plain-text files and JSON
    lines are checked first, then read again as they are needed: memory stays constant
    over any number of documents, and a bad file stops the command before any output."""
    if text is not None and input is not None:
        fail("give a TEXT or --input, not both")
    if input is not None:
        if not input.exists() and input_format != "somd":
            fail(f"{input}: no such file or folder")
        if input_format == TEXT:
            files = sorted(p for p in input.rglob("*") if p.is_file()) if input.is_dir() else [input]
            hidden = [p for p in files if any(part.startswith(".")
                                              for part in p.relative_to(input).parts)] \
                if input.is_dir() else []
            if hidden:
                left_out = set(hidden)
                files = [p for p in files if p not in left_out]
                errors.print(f"[yellow]{input}: {len(hidden)} hidden file(s) left out, e.g. "
                             f"{hidden[0].relative_to(input)}[/yellow]", highlight=False)
            if not files:
                fail(f"{input}: no files in this folder")
            for path in files:
                _read(path)
            return (Document(id=_text_id(p, input), text=_read(p)) for p in files), len(files)
        if input_format == "jsonl" and input.is_file():
            total = sum(1 for _ in read_checked(input, "jsonl", lenient))
            # the second pass skips, unreported, the bad lines the first one reported
            return formats.read(input, "jsonl", Problems(strict=False)), total
        docs = read_all(input, input_format, lenient)
        return docs, len(docs)
    if text is None:
        if sys.stdin.isatty():
            fail("give a TEXT, --input PATH, or text on standard input")
        text = sys.stdin.read()
    return [Document(id="text-1", text=text)], 1


def _text_id(path: Path, input: Path) -> str:
    """A plain-text document's id: its file's stem, with its subfolders in a folder given
    (`a/x.txt` and `b/x.txt` are `a/x` and `b/x`)."""
    if input.is_dir():
        return path.relative_to(input).with_suffix("").as_posix()
    return path.stem


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a byte-order mark is not text
    except UnicodeDecodeError as err:
        fail(f"{path}: not UTF-8 text (byte {err.start}); convert it or give --input-format")


def _print(doc: Document) -> None:
    entities = Table(title=f"{doc.id}: {len(doc.entities)} entities", title_justify="left")
    for column in ("id", "text", "label", "start", "end", "score"):
        entities.add_column(column, justify="right" if column in ("start", "end", "score") else "left")
    for e in doc.entities:
        entities.add_row(e.id, doc.text[e.start:e.end], e.label, str(e.start), str(e.end),
                         f"{e.score:.2f}" if e.score is not None else "")
    console.print(entities)
    if doc.relations:
        by_id = doc.entity_by_id()
        relations = Table(title=f"{doc.id}: {len(doc.relations)} relations", title_justify="left")
        for column in ("head", "relation", "tail", "score"):
            relations.add_column(column, justify="right" if column == "score" else "left")
        for r in doc.relations:
            relations.add_row(doc.mention_text(by_id[r.head]), r.label,
                              doc.mention_text(by_id[r.tail]),
                              f"{r.score:.2f}" if r.score is not None else "")
        console.print(relations)
