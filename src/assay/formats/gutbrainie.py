"""GutBrainIE 2025 JSON: one object keyed by PMID (the record: `assay.tasks.gutbrainie`).

The Document text is title + newline + abstract, with sections `title` and `abstract`. The
derived lists are rebuilt from the relations on writing; a file whose lists differ from its
relations (a submission with only derived lists, say) keeps them in `meta["derived"]`, with
the relations they were read beside in `meta["derived_from"]`, and they are written back as
they were as long as the document keeps those relations (predictions written over it get
lists rebuilt from the predicted relations).

`read_run` reads a run file as the organisers' scorer takes it: per PMID only the lists of
one or more subtasks, no metadata, so not Documents but the task's records.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document, Entity, Relation, Section
from assay.errors import FormatError, Problems
from assay.formats.base import checked, field, load_json, unique_ids, write_json
from assay.tasks.gutbrainie import (DERIVED, LOCATIONS, SIDES, SUBTASKS, Subtask, derived_lists,
                                    to_article)

HOLDS = {"relations": True, "nested": True, "groups": False}


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    data = load_json(path)
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object keyed by PMID", path)
    for pmid, article in data.items():
        try:
            doc = _document(str(pmid), article, path, problems)
        except (ValueError, TypeError) as err:
            problems.report(FormatError(str(err), path))
            continue
        if checked(doc, problems, path, None):
            yield doc


def read_run(path: str | Path, problems: Problems | None = None) -> dict[str, dict[str, list]]:
    """The subtask lists of each article of a run file, by PMID; other fields are ignored. A
    record that lacks a field its subtask compares is reported (and skipped when lenient)."""
    problems = problems or Problems()
    data = load_json(path)
    if not isinstance(data, dict):
        raise FormatError("expected a JSON object keyed by PMID", path)
    run = {}
    for pmid, article in data.items():
        if not isinstance(article, dict):
            problems.report(FormatError(f"article {pmid} is a {type(article).__name__}, "
                                        "expected an object", path))
            continue
        run[str(pmid)] = {s.field: _run_records(article, s, f"article {pmid}", path, problems)
                          for s in SUBTASKS if s.field in article}
    return run


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json(path, {doc.id: to_article(doc) for doc in unique_ids(docs, path, "GutBrainIE")},
               indent=2)


def _document(pmid: str, article: dict[str, Any], path: str | Path, problems: Problems) -> Document:
    where = f"article {pmid}"
    metadata = field(article, "metadata", dict, where)
    title = field(metadata, "title", str, f"{where} metadata")
    abstract = field(metadata, "abstract", str, f"{where} metadata")
    starts = {"title": 0, "abstract": len(title) + 1}
    doc = Document(id=pmid, text=f"{title}\n{abstract}",
                   sections=[Section("title", 0, len(title)),
                             Section("abstract", starts["abstract"], starts["abstract"] + len(abstract))],
                   meta={"metadata": {k: v for k, v in metadata.items() if k not in starts}})
    by_mention: dict[tuple, str] = {}
    for i, e in enumerate(field(article, "entities", list, where)):
        spot = f"{where} entities[{i}]"
        try:
            start, end = _offsets(doc, e, "", starts, spot)
        except ValueError as err:
            problems.report(FormatError(str(err), path))
            continue
        ent = Entity(start, end, field(e, "label", str, spot), id=f"T{i + 1}")
        doc.entities.append(ent)
        by_mention.setdefault((start, end, ent.label), ent.id)
    for i, r in enumerate(article.get("relations", [])):
        spot = f"{where} relations[{i}]"
        try:
            ends = []
            for side in SIDES:
                start, end = _offsets(doc, r, f"{side}_", starts, spot)
                key = (start, end, field(r, f"{side}_label", str, spot))
                if key not in by_mention:
                    raise ValueError(f"{spot}: the {side} {r[f'{side}_text_span']!r} "
                                     f"({key[2]}) is not among the entities")
                ends.append(by_mention[key])
            doc.relations.append(Relation(ends[0], ends[1], field(r, "predicate", str, spot)))
        except ValueError as err:
            problems.report(FormatError(str(err), path))
    given = {name: article[name] for name in DERIVED if name in article}
    relations = to_article(doc)["relations"]
    rebuilt = derived_lists(relations)
    if any(_tuples(name, given[name]) != _tuples(name, rebuilt[name]) for name in given):
        doc.meta["derived"], doc.meta["derived_from"] = given, relations
    return doc


def _run_records(article: dict, subtask: Subtask, where: str, path: str | Path,
                 problems: Problems) -> list[dict]:
    try:
        records = field(article, subtask.field, list, where)
    except ValueError as err:
        problems.report(FormatError(str(err), path))
        return []
    kept = []
    for i, record in enumerate(records):
        spot = f"{where} {subtask.field}[{i}]"
        try:
            for key in subtask.keys:
                field(record, key, int if key.endswith("_idx") else str, spot)
            if subtask.field == "entities" and record["location"] not in LOCATIONS:
                raise ValueError(f"{spot}: location {record['location']!r} is not title or "
                                 "abstract")
        except ValueError as err:
            problems.report(FormatError(str(err), path))
            continue
        kept.append(record)
    return kept


def _tuples(name: str, records: list[dict]) -> set[tuple]:
    return {tuple(r.get(k) for k in DERIVED[name]) for r in records}


def _offsets(doc: Document, record: dict, prefix: str, starts: dict[str, int],
             where: str) -> tuple[int, int]:
    location = field(record, f"{prefix}location", str, where)
    if location not in starts:
        raise ValueError(f"{where}: {prefix}location {location!r} is not title or abstract")
    first = field(record, f"{prefix}start_idx", int, where)
    last = field(record, f"{prefix}end_idx", int, where)
    section = doc.sections[0 if location == "title" else 1]
    start, end = starts[location] + first, starts[location] + last + 1
    if not (0 <= first <= last and end <= section.end):
        raise ValueError(f"{where}: {prefix}start_idx {first} / end_idx {last} do not fit the "
                         f"{location} ({section.end - section.start} characters)")
    text = field(record, f"{prefix}text_span", str, where)
    if doc.text[start:end] != text:
        raise ValueError(f"{where}: {prefix}text_span {text!r} is not the {location} text "
                         f"{doc.text[start:end]!r} at [{first}, {last}]")
    return start, end

