"""MeasEval (SemEval-2021 Task 8): a split folder with `text/` (the trial split names it
`txt/`) holding one paragraph a `DOC.txt`, and `tsv/` holding its annotations in `DOC.tsv`.

A TSV row is one span of one measurement (an annotation set): `docId annotSet annotType
startOffset endOffset annotId text other`, tab-separated under that header. Each row becomes
an Entity (id = annotId, label = annotType: Quantity, MeasuredEntity, MeasuredProperty,
Qualifier) whose `attrs` hold its `annotSet` and every other key of `other` (`unit`, `mods`,
...). The relation keys of `other` (HasQuantity, HasProperty, Qualifies: an annotId) become
Relations from the row's entity. A span that takes part in several measurements is a row of
each, so an entity of each (the reader notes the repeats; entity scores count a span once).

A paragraph without a TSV file is a document without entities (MeasEval's texts with no
quantity). The document id is the file stem. Writing takes a folder and makes `text/` and
`tsv/` in it, replacing any there. Documents whose entities all carry an `annotSet` (as read)
are written row for row; others (a model's predictions) get a measurement for each Quantity
(see `measurements`), an entity in several a row in each.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document, Entity, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import (RepeatedKey, checked, file_stem, filled, read_text,
                                unique_ids, unique_keys)

HOLDS = {"relations": True, "nested": True, "groups": False, "discontinuous": False}
COLUMNS = ("docId", "annotSet", "annotType", "startOffset", "endOffset", "annotId", "text",
           "other")
RELATIONS = ("HasQuantity", "HasProperty", "Qualifies")
TEXT_FOLDERS = ("text", "txt")
_NUMBER = re.compile(r"\d+", re.ASCII)


#: what `unheld_relations` finds, and why the format cannot hold it (`assay.formats.fit`)
UNHELD_RELATIONS = ("relations MeasEval has no name for",
                    "MeasEval's relations are " + ", ".join(RELATIONS))


def unheld_relations(doc: Document) -> list[Relation]:
    """The relations whose label is not one of MeasEval's."""
    return [r for r in doc.relations if r.label not in RELATIONS]


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    texts, tsv = _folders(Path(path))
    stems = sorted(p.stem for p in texts.glob("*.txt"))
    if not stems:
        raise FormatError(f"no .txt files in {texts.name}/", path)
    for orphan in sorted({p.stem for p in tsv.glob("*.tsv")} - set(stems)):
        problems.report(FormatError(f"has no text {texts.name}/{orphan}.txt to annotate",
                                    tsv / f"{orphan}.tsv"))
    for stem in stems:
        doc = Document(id=stem, text=read_text(texts / f"{stem}.txt", exact=True))
        table = tsv / f"{stem}.tsv"
        if table.exists():
            _annotations(doc, table, problems)
        if checked(doc, problems, table if table.exists() else texts / f"{stem}.txt", None):
            yield doc


def write(docs: Iterable[Document], path: str | Path) -> None:
    """Into the folder `path` (its `text/` and `tsv/`) once every document is written."""
    with filled(path) as folder:
        (folder / "text").mkdir()
        (folder / "tsv").mkdir()
        for doc in unique_ids(docs, path, "MeasEval"):
            stem = file_stem(doc, path, "MeasEval")
            table = to_tsv(doc, path)  # first: a document it cannot hold writes no text either
            (folder / "text" / f"{stem}.txt").write_text(doc.text, encoding="utf-8")
            if doc.entities:
                (folder / "tsv" / f"{stem}.tsv").write_text(table, encoding="utf-8")


def to_tsv(doc: Document, path: str | Path | None = None) -> str:
    """The document's TSV file: a row for each entity in each of its measurements, with its
    relations to entities of the same measurement in `other`. `path` names the output in
    errors."""
    def refuse(what: str) -> FormatError:
        return FormatError(f"document {doc.id!r}: {what}", path)

    if _one_line(doc.id) is None:
        raise refuse("its id holds a tab or a line break, which would break its rows")
    for r in unheld_relations(doc):
        raise refuse(f"relation {r.label!r} is not one of MeasEval's ({', '.join(RELATIONS)})")
    rows, written = ["\t".join(COLUMNS)], set()
    sets = measurements(doc)
    rows_of = Counter(m for _, members in sets for m in members)
    entities = doc.entity_by_id()
    for number, members in sets:
        row_id = {m: m if rows_of[m] == 1 else f"{m}-{number}" for m in members}
        for member in members:
            e = entities[member]
            if e.fragments:
                raise refuse(f"entity {e.id} is discontinuous, and a MeasEval row holds one span")
            other, relations = _other_cell(doc, e, members, row_id, refuse)
            cells = [doc.id, str(number), e.label, str(e.start), str(e.end), row_id[member],
                     doc.mention_text(e), other]
            if any(_one_line(c) is None for c in cells[2:7]):
                raise refuse(f"entity {e.id}'s label, id or text holds a tab or a line break, "
                             "which would break its row")
            rows.append("\t".join(cells))
            written |= relations
    for r in doc.relations:
        if (r.head, r.label, r.tail) not in written:
            raise refuse(f"relation {r.label} {r.head} -> {r.tail} joins two annotSets, and a "
                         "MeasEval relation stays inside one measurement")
    return "\n".join(rows) + "\n"


def measurements(doc: Document) -> list[tuple[int, list[str]]]:
    """The annotation sets to write, as (annotSet, entity ids). Entities that all carry an
    `annotSet` keep it. Otherwise each Quantity (or tail of a HasQuantity) starts a
    measurement, which takes the entities with a HasQuantity to it, those with a HasProperty
    to one of them, and the Qualifiers of any member; an entity may be in several. The
    entities in none form one measurement for each group that relations connect, and a
    relation whose ends share no measurement puts its head in the tail's first."""
    if doc.entities and all(isinstance(e.attrs.get("annotSet"), int) for e in doc.entities):
        given: dict[int, list[str]] = {}
        for e in doc.entities:
            given.setdefault(e.attrs["annotSet"], []).append(e.id)
        return sorted(given.items())
    order = {e.id: k for k, e in enumerate(doc.entities)}
    relations = [r for r in doc.relations if r.head in order and r.tail in order]
    anchors = [e.id for e in doc.entities if e.label == "Quantity"
               or any(r.tail == e.id and r.label == "HasQuantity" for r in relations)]
    sets = []
    for anchor in anchors:
        members = {anchor}
        grown = True
        while grown:
            joining = {r.head for r in relations if r.tail in members and (
                r.label == "Qualifies" or r.label == "HasQuantity" and r.tail == anchor
                or r.label == "HasProperty" and r.tail != anchor)}
            grown = not joining <= members
            members |= joining
        sets.append(members)
    placed = set().union(*sets)
    groups = {e: {e} for e in order if e not in placed}
    for r in relations:
        if r.head in groups and r.tail in groups and groups[r.head] is not groups[r.tail]:
            merged = groups[r.head] | groups[r.tail]
            for e in merged:
                groups[e] = merged
    sets += list({id(g): g for g in groups.values()}.values())
    for r in relations:
        if not any(r.head in s and r.tail in s for s in sets):
            next(s for s in sets if r.tail in s).add(r.head)
    return [(k, sorted(s, key=order.__getitem__)) for k, s in enumerate(sets, 1)]


def _other_cell(doc: Document, e: Entity, members: list[str], row_id: dict[str, str],
                refuse) -> tuple[str, set[tuple[str, str, str]]]:
    """The row's `other` cell, and the relations it holds as (head, label, tail)."""
    other: dict = {}
    held = set()
    for r in doc.relations:
        if r.head == e.id and r.tail in members:
            if r.label in other:
                raise refuse(f"entity {e.id} has two {r.label} relations in one measurement, "
                             "and a MeasEval row holds one")
            other[r.label] = row_id[r.tail]
            held.add((r.head, r.label, r.tail))
    for key, value in e.attrs.items():
        if key in RELATIONS:
            raise refuse(f"entity {e.id}'s attrs hold {key!r}, which MeasEval keeps for a relation")
        if key != "annotSet":
            other[key] = value
    try:
        return json.dumps(other, ensure_ascii=False) if other else "", held
    except (TypeError, ValueError) as err:
        raise refuse(f"entity {e.id}'s attrs cannot be written as JSON ({err})") from None


def _one_line(value: str) -> str | None:
    """`value` if it can stand in a TSV cell read back by `_annotations`, else None."""
    return None if "\t" in value or value.splitlines() not in ([value], []) else value


def _folders(path: Path) -> tuple[Path, Path]:
    texts = next((path / name for name in TEXT_FOLDERS if (path / name).is_dir()), None)
    if not path.is_dir() or texts is None or not (path / "tsv").is_dir():
        raise FormatError("expected a MeasEval split folder holding text/ (or txt/) and tsv/",
                          path)
    return texts, path / "tsv"


def _annotations(doc: Document, table: Path, problems: Problems) -> None:
    lines = read_text(table).splitlines()
    if not lines or lines[0].split("\t") != list(COLUMNS):
        problems.report(FormatError(f"the first line is not the tab-separated header "
                                    f"{' '.join(COLUMNS)}", table, 1))
        return
    links, seen = [], set()
    for line_number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            entity, relations = _row(doc, line.split("\t"), table, line_number, problems)
            if entity.id in seen:
                raise ValueError(f"annotId {entity.id!r} is given to an earlier row too")
        except ValueError as err:
            problems.report(FormatError(str(err), table, line_number))
            continue
        seen.add(entity.id)
        doc.entities.append(entity)
        links += [(line_number, r) for r in relations]
    for line_number, relation in links:
        if relation.tail in seen:
            doc.relations.append(relation)
        else:
            problems.report(FormatError(f"{relation.head}'s {relation.label} names "
                                        f"{relation.tail!r}, which no row of the file is",
                                        table, line_number))


def _row(doc: Document, cells: list[str], table: Path, line_number: int,
         problems: Problems) -> tuple[Entity, list[Relation]]:
    """The row's entity and relations; a bad `other` cell is reported and the entity kept."""
    if len(cells) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} tab-separated columns, found {len(cells)}")
    doc_id, annot_set, label, start_cell, end_cell, annot_id, text, other_cell = cells
    if doc_id != doc.id:
        raise ValueError(f"docId {doc_id!r} is not the file's document {doc.id!r}")
    for name, cell in (("annotSet", annot_set), ("startOffset", start_cell),
                       ("endOffset", end_cell)):
        if not _NUMBER.fullmatch(cell):
            raise ValueError(f"{name} {cell!r} is not a whole number")
    start, end = int(start_cell), int(end_cell)
    if not (start < end <= len(doc.text)):
        raise ValueError(f"offsets {start}-{end} do not fit the text ({len(doc.text)} "
                         "characters)")
    if doc.text[start:end] != text:
        raise ValueError(f"text {text!r} is not the text at {start}-{end} "
                         f"({doc.text[start:end]!r})")
    if not label or not annot_id:
        raise ValueError("annotType and annotId must not be empty")
    try:
        other = _other(other_cell)
    except ValueError as err:
        problems.report(FormatError(f"{err} (the row's span is read without it)", table,
                                    line_number))
        other = {}
    relations = [Relation(annot_id, other.pop(key), key) for key in RELATIONS if key in other]
    return Entity(start, end, label, id=annot_id, attrs={"annotSet": int(annot_set)} | other), \
        relations


def _other(cell: str) -> dict:
    if not cell.strip():
        return {}
    try:
        value = json.loads(cell, object_pairs_hook=unique_keys)
    except json.JSONDecodeError as err:
        raise ValueError(f"other is not JSON: {err.msg} (column {err.colno})") from None
    except RepeatedKey as err:
        raise ValueError(f"other gives the key {err.args[0]!r} twice") from None
    if not isinstance(value, dict):
        raise ValueError(f"other is a JSON {type(value).__name__}, expected an object")
    if "annotSet" in value:
        raise ValueError("other holds an annotSet key, which its own column gives")
    for key in RELATIONS:
        if key in value and not isinstance(value[key], str):
            raise ValueError(f"other's {key} is {value[key]!r}, expected an annotId")
    return value
