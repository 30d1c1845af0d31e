"""GutBrainIE 2025 JSON: one object keyed by PMID.

Each article: `metadata` (`title`, `abstract`, and more), `entities` (`start_idx`, `end_idx`
inclusive and relative to their section, `location` = title | abstract, `text_span`, `label`),
`relations` by mention (`subject_start_idx`, ..., `predicate`, `object_...`), and three lists
derived from the relations: `binary_tag_based_relations`, `ternary_tag_based_relations`,
`ternary_mention_based_relations`.

The Document text is title + newline + abstract, with sections `title` and `abstract`. The
derived lists are rebuilt from the relations on writing; a file whose lists differ from its
relations (a submission with only derived lists, say) keeps them in `meta["derived"]`, with
the relations they were read beside in `meta["derived_from"]`, and they are written back as
they were as long as the document keeps those relations (predictions written over it get
lists rebuilt from the predicted relations).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document, Entity, Relation, Section
from assay.errors import FormatError, Problems
from assay.formats.base import checked, field, load_json, write_json

HOLDS = {"relations": True, "nested": True, "groups": False}
DERIVED = {
    "binary_tag_based_relations": ("subject_label", "object_label"),
    "ternary_tag_based_relations": ("subject_label", "predicate", "object_label"),
    "ternary_mention_based_relations": ("subject_text_span", "subject_label", "predicate",
                                        "object_text_span", "object_label"),
}
SIDES = ("subject", "object")


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


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json(path, {doc.id: to_article(doc) for doc in docs}, indent=2)


def to_article(doc: Document) -> dict[str, Any]:
    """The GutBrainIE record of a document, the three derived relation lists included."""
    entities = {e.id: _mention(doc, e) for e in doc.entities}
    relations = []
    for r in doc.relations:
        record = {}
        for side, end in zip(SIDES, (r.head, r.tail)):
            record.update({f"{side}_{k}": v for k, v in entities[end].items()})
        record["predicate"] = r.label
        relations.append(dict(sorted(record.items(), key=lambda kv: _ORDER.index(kv[0]))))
    article = {"metadata": {**doc.meta.get("metadata", {}), **_sections(doc)},
               "entities": list(entities.values()), "relations": relations}
    kept = doc.meta.get("derived")
    same = kept and doc.meta.get("derived_from") == relations
    article.update(kept if same else derived_lists(relations))
    return article


def derived_lists(relations: list[dict[str, Any]]) -> dict[str, list[dict[str, str]]]:
    """The task's three relation views: unique tuples per document, in first-seen order."""
    out = {}
    for name, keys in DERIVED.items():
        seen = dict.fromkeys(tuple(r[k] for k in keys) for r in relations)
        out[name] = [dict(zip(keys, t)) for t in seen]
    return out


_ORDER = [f"{side}_{k}" for side in SIDES
          for k in ("start_idx", "end_idx", "location", "text_span", "label")]
_ORDER.insert(5, "predicate")


def _mention(doc: Document, e: Entity) -> dict[str, Any]:
    section = doc.section_of(e.start)
    if section is None or e.end > section.end:
        raise FormatError(f"document {doc.id!r}: entity {e.id} [{e.start}, {e.end}) is not "
                          "inside the title or the abstract")
    return {"start_idx": e.start - section.start, "end_idx": e.end - section.start - 1,
            "location": section.name, "text_span": doc.text[e.start:e.end], "label": e.label}


def _sections(doc: Document) -> dict[str, str]:
    if not doc.sections:
        return {"title": "", "abstract": doc.text}
    return {s.name: doc.text[s.start:s.end] for s in doc.sections}


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

