"""assay's native format: one Document a line, as JSON. Loses nothing of the data model.

A line: {"id", "text", "entities": [{"id", "start", "end", "label", ...}], "relations":
[{"head", "tail", "label", ...}], "groups", "sentences": [[start, end]], "sections":
[{"name", "start", "end"}], "meta"}. Offsets are character offsets, end exclusive.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document, Entity, MentionGroup, Relation, Section, number_entities
from assay.errors import Problems
from assay.formats.base import field, json_line_documents, read_json_lines, write_json_lines


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    return read_json_lines(path, problems or Problems(), lambda record, _: doc_from_dict(record))


def read_lines(lines: Iterable[bytes], path: str | Path, problems: Problems, first: int
               ) -> Iterator[Document]:
    """Documents from some lines of the file `path`, the first of them line number `first`
    (a shard of a large input)."""
    return json_line_documents(lines, path, problems, lambda record, _: doc_from_dict(record),
                               first)


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json_lines(docs, path, doc_to_dict)


def doc_to_dict(doc: Document) -> dict[str, Any]:
    out: dict[str, Any] = {"id": doc.id, "text": doc.text,
                           "entities": [_entity_to_dict(e) for e in doc.entities],
                           "relations": [_without_defaults({"id": r.id, "head": r.head,
                                                            "tail": r.tail, "label": r.label,
                                                            "score": r.score, "attrs": r.attrs})
                                         for r in doc.relations]}
    if doc.groups:
        out["groups"] = [_without_defaults({"id": g.id, "mentions": g.mentions, "label": g.label,
                                            "kb_id": g.kb_id}) for g in doc.groups]
    if doc.sentences:
        out["sentences"] = [list(s) for s in doc.sentences]
    if doc.sections:
        out["sections"] = [{"name": s.name, "start": s.start, "end": s.end} for s in doc.sections]
    if doc.meta:
        out["meta"] = doc.meta
    return out


def doc_from_dict(data: dict[str, Any]) -> Document:
    where = "document"
    doc_id = str(field(data, "id", (str, int), where))
    where = f"document {doc_id!r}"
    entities = number_entities(_entity_from_dict(e, f"{where} entities[{i}]")
                               for i, e in enumerate(data.get("entities", [])))
    relations = [Relation(head=field(r, "head", str, f"{where} relations[{i}]"),
                          tail=field(r, "tail", str, f"{where} relations[{i}]"),
                          label=field(r, "label", str, f"{where} relations[{i}]"),
                          id=r.get("id", ""), score=r.get("score"), attrs=r.get("attrs", {}))
                 for i, r in enumerate(data.get("relations", []))]
    groups = [MentionGroup(id=field(g, "id", str, f"{where} groups[{i}]"),
                           mentions=list(field(g, "mentions", list, f"{where} groups[{i}]")),
                           label=g.get("label"), kb_id=g.get("kb_id"))
              for i, g in enumerate(data.get("groups", []))]
    sections = [Section(field(s, "name", str, f"{where} sections[{i}]"),
                        field(s, "start", int, f"{where} sections[{i}]"),
                        field(s, "end", int, f"{where} sections[{i}]"))
                for i, s in enumerate(data.get("sections", []))]
    return Document(id=doc_id, text=field(data, "text", str, where), entities=entities,
                    relations=relations, groups=groups,
                    sentences=[(int(s), int(e)) for s, e in data.get("sentences", [])],
                    sections=sections, meta=dict(data.get("meta", {})))


def _entity_to_dict(e: Entity) -> dict[str, Any]:
    return _without_defaults({"id": e.id, "start": e.start, "end": e.end, "label": e.label,
                              "score": e.score, "kb_id": e.kb_id,
                              "fragments": [list(f) for f in e.fragments], "attrs": e.attrs})


def _entity_from_dict(data: dict[str, Any], where: str) -> Entity:
    return Entity(start=field(data, "start", int, where), end=field(data, "end", int, where),
                  label=field(data, "label", str, where), id=str(data.get("id", "")),
                  score=data.get("score"), kb_id=data.get("kb_id"),
                  fragments=tuple((int(s), int(e)) for s, e in data.get("fragments", [])),
                  attrs=dict(data.get("attrs", {})))


def _without_defaults(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {}) or k in ("start", "end")}
