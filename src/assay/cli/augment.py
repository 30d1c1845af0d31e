"""`assay augment`: new training sentences, rewritten by a language model from annotated
ones (AnchorAlign's augmentation, `assay.models.generative.augment`)."""
from __future__ import annotations

from pathlib import Path

import typer

from assay import formats
from assay.cli.common import FORMAT_HELP, LENIENT_HELP, check_format, console, read_all
from assay.schema import Schema

NAME = "augment"


def run(
    source: Path = typer.Argument(..., help="annotated training documents"),
    target: Path = typer.Argument(..., help="the new sentences (jsonl)"),
    format: str = typer.Option(..., help=FORMAT_HELP, callback=check_format),
    llm: str = typer.Option("smollm2", help="`smollm2` (packaged), a Hugging Face id or path, "
                            "or the URL of an OpenAI-compatible server"),
    served_model: str = typer.Option("default", help="with --llm URL: the model's name there"),
    variants: int = typer.Option(3, min=1, help="rewritten mentions and contexts kept a "
                                 "sentence, each (crossed: up to (v+1)² - 1 new sentences)"),
    limit: int = typer.Option(10000, min=1, help="new sentences at most (the paper's cap)"),
    max_new_tokens: int = typer.Option(256, min=8, help="tokens an answer may take"),
    masked: Path = typer.Option(None, help="also write the new sentences with each mention "
                                "replaced by its type's mask token (jsonl): surface forms "
                                "hidden, for the first pre-training stage"),
    lenient: bool = typer.Option(False, help=LENIENT_HELP),
) -> None:
    """Rewrite each annotated sentence's mentions and, apart, its context with a language
    model, and cross the two: every new sentence keeps the original's entity types and
    relations by index. Answers that break that are left out and counted.

    Example: assay augment scierc/train.json augmented.jsonl --format dygie --llm smollm2

    Pre-train a generative model on the output, then fine-tune it from there (its recipe's
    model.init_from). The target is replaced only when it is completely written.
    """
    from assay.models.generative.augment import augment, masked as mask_types
    from assay.models.llm.extractor import make_backend

    docs = read_all(source, format, lenient)
    backend = (make_backend(served_model, url=llm) if llm.startswith(("http://", "https://"))
               else make_backend(llm))
    made, counts = augment(docs, backend, variants, limit, max_new_tokens)
    formats.write(made, target, "jsonl")
    console.print(f"asked about {counts.sentences} sentences ({counts.left_out} left out: "
                  f"overlapping or fragmented entities); kept {counts.mention_kept} of "
                  f"{counts.mention_lines} mention lines and {counts.context_kept} of "
                  f"{counts.context_lines} context lines; {counts.cut} answers cut at "
                  f"{max_new_tokens} tokens")
    console.print(f"wrote {len(made)} sentences to {target} (jsonl)")
    if masked:
        labels = Schema.from_documents(docs).entity_labels
        formats.write([mask_types(d, labels) for d in made], masked, "jsonl")
        console.print(f"wrote {len(made)} masked sentences to {masked} (jsonl)")
