"""SOMD 2025 (software mentions): three aligned files, one sentence a line.

- `<prefix>_texts.txt` (or `texts.txt` in a folder): whitespace-tokenized sentences;
- `<prefix>_entities.txt` / `entities.txt`: the IOB2 tag of each token;
- `<prefix>_relations.txt` / `relations.txt`: `Type<TAB>i<TAB>j; Type<TAB>i<TAB>j` where i is
  the first token of the attribute entity (the version, say) and j the first token of the
  software entity; an empty line when the sentence has none.

The path is a folder holding the three files, or a file prefix such as `data/train`. The
entity and relation files may be absent (texts only, as in a test set without gold).
A relation becomes `Relation(head=attribute entity, tail=software entity)`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import checked, read_text, replaced_all
from assay.formats.conll import sentence_tags
from assay.formats.tokenized import document_from_tokens, token_view
from assay.text.bio import read_tags

HOLDS = {"relations": True, "nested": False, "groups": False}
PARTS = ("texts", "entities", "relations")


def paths(prefix: str | Path) -> dict[str, Path]:
    prefix = Path(prefix)
    if prefix.is_dir():
        return {part: prefix / f"{part}.txt" for part in PARTS}
    return {part: prefix.with_name(f"{prefix.name}_{part}.txt") for part in PARTS}


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    files = paths(path)
    if not files["texts"].exists():
        raise FormatError("no texts file: give a folder with texts.txt or a prefix such as "
                          "data/train for data/train_texts.txt", files["texts"])
    texts = read_text(files["texts"]).splitlines()
    columns = {part: _lines(files[part], len(texts)) for part in ("entities", "relations")}
    for number, line in enumerate(texts, 1):
        tokens = line.split()
        tags = columns["entities"][number - 1].split() if columns["entities"] else ["O"] * len(tokens)
        if len(tags) != len(tokens):
            problems.report(FormatError(f"{len(tokens)} tokens in the texts file but {len(tags)} "
                                        "tags here", files["entities"], number))
            tags = (tags + ["O"] * len(tokens))[:len(tokens)]
        spans = read_tags(tags, lambda err: problems.report(
            FormatError(str(err), files["entities"], number)))
        doc = document_from_tokens(str(number), [tokens], spans)
        if columns["relations"]:
            doc.relations = _relations(columns["relations"][number - 1], doc, spans,
                                       files["relations"], number, problems)
        if checked(doc, problems, files["texts"], number):
            yield doc


def write(docs: Iterable[Document], path: str | Path) -> None:
    files = paths(path)
    lines: dict[str, list[str]] = {part: [] for part in PARTS}
    for doc in docs:
        tagged = sentence_tags(doc, files["entities"])  # checks every entity first
        view = token_view(doc)
        offsets = view.sentence_offsets()
        first_word = {e.id: view.word_range(e)[0] for e in doc.entities}
        relations: list[list[str]] = [[] for _ in view.sentences]
        for r in doc.relations:
            i, j = first_word[r.head], first_word[r.tail]
            k = view.sentence_index(i)
            if view.sentence_index(j) != k:
                raise FormatError(f"document {doc.id!r}: relation {r.label} {r.head} -> {r.tail} "
                                  "crosses a sentence boundary", files["relations"])
            starts = tagged[k][2]  # a word may be written as several tokens
            relations[k].append(f"{r.label}\t{starts[i - offsets[k]]}\t{starts[j - offsets[k]]}")
        for (tokens, tags, _), rels in zip(tagged, relations):
            lines["texts"].append(" ".join(tokens))
            lines["entities"].append(" ".join(tags))
            lines["relations"].append("; ".join(rels))
    with replaced_all(files[part] for part in PARTS) as temps:
        for part, temp in zip(PARTS, temps):
            temp.write_text("".join(f"{line}\n" for line in lines[part]), encoding="utf-8")


def _lines(path: Path, expected: int) -> list[str] | None:
    if not path.exists():
        return None
    lines = read_text(path).splitlines()
    if len(lines) != expected:
        raise FormatError(f"{len(lines)} lines, but the texts file has {expected}", path)
    return lines


def _relations(line: str, doc: Document, spans: list[tuple[int, int, str]], path: Path,
               number: int, problems: Problems) -> list[Relation]:
    entity_at = {first: ent.id for (first, _, _), ent in zip(spans, doc.entities)}
    relations = []
    for item in filter(None, (part.strip() for part in line.split(";"))):
        fields = item.split()
        if len(fields) != 3 or not (fields[1].isdigit() and fields[2].isdigit()):
            problems.report(FormatError(f"expected 'Type<TAB>i<TAB>j', got {item!r}", path, number))
            continue
        label, i, j = fields[0], int(fields[1]), int(fields[2])
        missing = [k for k in (i, j) if k not in entity_at]
        if missing:
            problems.report(FormatError(f"relation {item!r}: no entity starts at token "
                                        f"{missing[0]}", path, number))
            continue
        relations.append(Relation(entity_at[i], entity_at[j], label))
    return relations
