"""MeasEval (SemEval-2021 Task 8): a split folder with `text/` (the trial split names it
`txt/`) holding one paragraph a `DOC.txt`, and `tsv/` holding its annotations in `DOC.tsv`.

A TSV row is one span of one measurement: `docId annotSet annotType startOffset endOffset
annotId text other`, tab-separated under that header. Each row becomes an Entity (id =
annotId, label = annotType: Quantity, MeasuredEntity, MeasuredProperty, Qualifier) whose
`attrs` hold its `annotSet` and every non-relation key of `other` (`unit`, `mods`, ...). The
relation keys of `other` (HasQuantity, HasProperty, Qualifies: an annotId) become Relations
from the row's entity. A span that takes part in several measurements is a row of each set,
so an entity of each (the reader notes the repeats; entity scores count a span once).

A paragraph without a TSV file is a document without entities (MeasEval's texts with no
quantity). The document id is the file stem. Writing takes a folder and makes `text/` and
`tsv/` in it; entities without an `annotSet` (predictions) are grouped into sets by their
relations, one set a connected group.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document, Entity, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import checked, filled, read_text, unique_ids

HOLDS = {"relations": True, "nested": True, "groups": False}
COLUMNS = ("docId", "annotSet", "annotType", "startOffset", "endOffset", "annotId", "text",
           "other")
RELATIONS = ("HasQuantity", "HasProperty", "Qualifies")
TEXT_FOLDERS = ("text", "txt")


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
        doc = Document(id=stem, text=read_text(texts / f"{stem}.txt", keep_bom=True))
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
            if not doc.id or "/" in doc.id or doc.id in (".", ".."):
                raise FormatError(f"document id {doc.id!r} cannot be a file name", path)
            (folder / "text" / f"{doc.id}.txt").write_text(doc.text, encoding="utf-8")
            if doc.entities:
                (folder / "tsv" / f"{doc.id}.tsv").write_text(to_tsv(doc, path),
                                                              encoding="utf-8")


def to_tsv(doc: Document, path: str | Path | None = None) -> str:
    sets = _sets(doc)
    outgoing: dict[str, dict[str, str]] = {}
    for r in doc.relations:
        if r.label not in RELATIONS:
            raise FormatError(f"document {doc.id!r}: relation {r.label!r} is not one of "
                              f"MeasEval's ({', '.join(RELATIONS)})", path)
        if r.label in outgoing.setdefault(r.head, {}):
            raise FormatError(f"document {doc.id!r}: entity {r.head} has two {r.label} "
                              "relations, and a MeasEval row holds one", path)
        outgoing[r.head][r.label] = r.tail
    rows = ["\t".join(COLUMNS)]
    for e in doc.entities:
        if e.fragments:
            raise FormatError(f"document {doc.id!r}: entity {e.id} is discontinuous, and a "
                              "MeasEval row holds one span", path)
        for name, value in (("label", e.label), ("id", e.id), ("text", doc.mention_text(e)),
                            ("document id", doc.id)):
            if any(c in value for c in "\t\n\r"):
                raise FormatError(f"document {doc.id!r}: entity {e.id}'s {name} {value!r} "
                                  "holds a tab or a line break, which would break its row", path)
        other = outgoing.get(e.id, {}) | {k: v for k, v in e.attrs.items() if k != "annotSet"}
        rows.append("\t".join([doc.id, str(sets[e.id]), e.label, str(e.start), str(e.end), e.id,
                               doc.mention_text(e),
                               json.dumps(other, ensure_ascii=False) if other else ""]))
    return "\n".join(rows) + "\n"


def _folders(path: Path) -> tuple[Path, Path]:
    texts = next((path / name for name in TEXT_FOLDERS if (path / name).is_dir()), None)
    if not path.is_dir() or texts is None or not (path / "tsv").is_dir():
        raise FormatError("expected a MeasEval split folder holding text/ (or txt/) and tsv/",
                          path)
    return texts, path / "tsv"


def _annotations(doc: Document, table: Path, problems: Problems) -> None:
    lines = read_text(table).splitlines()
    if not lines or lines[0].split("\t") != list(COLUMNS):
        problems.report(FormatError(f"the first line is not the header {' '.join(COLUMNS)}",
                                    table, 1))
        return
    links = []
    for number, line in enumerate(lines[1:], 2):
        if not line.strip():
            continue
        try:
            entity, relations = _row(doc, line.split("\t"))
        except ValueError as err:
            problems.report(FormatError(str(err), table, number))
            continue
        doc.entities.append(entity)
        links += [(number, r) for r in relations]
    ids = {e.id for e in doc.entities}
    for number, relation in links:
        if relation.tail in ids:
            doc.relations.append(relation)
        else:
            problems.report(FormatError(f"{relation.head}'s {relation.label} names "
                                        f"{relation.tail!r}, which no row of the file is",
                                        table, number))


def _row(doc: Document, cells: list[str]) -> tuple[Entity, list[Relation]]:
    if len(cells) != len(COLUMNS):
        raise ValueError(f"expected {len(COLUMNS)} tab-separated columns, found {len(cells)}")
    doc_id, annot_set, label, first, last, annot_id, text, other = cells
    if doc_id != doc.id:
        raise ValueError(f"docId {doc_id!r} is not the file's document {doc.id!r}")
    try:
        start, end, number = int(first), int(last), int(annot_set)
    except ValueError:
        raise ValueError(f"annotSet {annot_set!r}, startOffset {first!r} and endOffset "
                         f"{last!r} must be whole numbers") from None
    if not (0 <= start < end <= len(doc.text)):
        raise ValueError(f"offsets {start}-{end} do not fit the text ({len(doc.text)} "
                         "characters)")
    if doc.text[start:end] != text:
        raise ValueError(f"text {text!r} is not the text at {start}-{end} "
                         f"({doc.text[start:end]!r})")
    if not label or not annot_id:
        raise ValueError("annotType and annotId must not be empty")
    extra = _other(other)
    relations = [Relation(annot_id, str(extra.pop(key)), key) for key in RELATIONS if key in extra]
    return Entity(start, end, label, id=annot_id, attrs={"annotSet": number} | extra), relations


def _other(cell: str) -> dict:
    if not cell.strip():
        return {}
    try:
        value = json.loads(cell)
    except json.JSONDecodeError as err:
        raise ValueError(f"other is not JSON: {err.msg} (column {err.colno})") from None
    if not isinstance(value, dict):
        raise ValueError(f"other is a JSON {type(value).__name__}, expected an object")
    for key in RELATIONS:
        if key in value and not isinstance(value[key], str):
            raise ValueError(f"other's {key} is {value[key]!r}, expected an annotId")
    return value


def _sets(doc: Document) -> dict[str, int]:
    """Each entity's annotation set: its own `annotSet`, else one new set a group of entities
    that relations connect (numbered after the sets given)."""
    given = {e.id: e.attrs["annotSet"] for e in doc.entities
             if isinstance(e.attrs.get("annotSet"), int)}
    parent = {e.id: e.id for e in doc.entities}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for r in doc.relations:
        if r.head in parent and r.tail in parent:
            parent[root(r.head)] = root(r.tail)
    sets, new, at = dict(given), {}, max(given.values(), default=0)
    for e in doc.entities:
        if e.id not in sets:
            group = root(e.id)
            if group not in new:
                at += 1
                new[group] = at
            sets[e.id] = new[group]
    return sets
