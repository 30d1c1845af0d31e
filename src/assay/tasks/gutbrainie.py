"""GutBrainIE 2025 (CLEF, BioASQ task 6): the article record and its four subtasks.

An article, keyed by PMID: `metadata` (`title`, `abstract`, ...), `entities` (`start_idx`,
`end_idx` inclusive and relative to their section, `location` = title | abstract, `text_span`,
`label`), `relations` by mention (`subject_start_idx`, ..., `predicate`, `object_...`), and
three lists derived from the relations, one a relation subtask. A run file submitted to the
task holds, per PMID, the list of one subtask (or of several) and nothing else.

The file format writes these records and the scorer compares them; both import this module.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from assay.doc import Document, Entity
from assay.errors import FormatError

ENTITY_KEYS = ("start_idx", "end_idx", "location", "text_span", "label")
LOCATIONS = ("title", "abstract")
SIDES = ("subject", "object")


@dataclass(frozen=True)
class Subtask:
    """One subtask: the article list it reads, the fields that identify an item of it, and
    the fields that name the label the official scorer counts the item under."""

    name: str
    number: str
    field: str
    keys: tuple[str, ...]
    label_keys: tuple[str, ...]

    def item(self, record: Mapping[str, Any]) -> tuple:
        return tuple(record[k] for k in self.keys)

    def label(self, record: Mapping[str, Any]) -> str:
        return "|".join(record[k] for k in self.label_keys)


_TAGS = ("subject_label", "predicate", "object_label")
SUBTASKS = (
    Subtask("NER", "6.1", "entities", ENTITY_KEYS, ("label",)),
    Subtask("binary_tag_RE", "6.2.1", "binary_tag_based_relations",
            ("subject_label", "object_label"), ("subject_label", "object_label")),
    Subtask("ternary_tag_RE", "6.2.2", "ternary_tag_based_relations", _TAGS, _TAGS),
    Subtask("ternary_mention_RE", "6.2.3", "ternary_mention_based_relations",
            ("subject_text_span", "subject_label", "predicate", "object_text_span", "object_label"),
            _TAGS),
)
# The three relation views, by list name: what identifies a tuple of each.
DERIVED = {s.field: s.keys for s in SUBTASKS if s.field != "entities"}


def held_subtasks(articles: Mapping[str, Mapping[str, Any]]) -> list[Subtask]:
    """The subtasks whose list at least one article holds (a run file holds one, or a few)."""
    return [s for s in SUBTASKS if any(s.field in a for a in articles.values())]


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


_ORDER = [f"{side}_{k}" for side in SIDES for k in ENTITY_KEYS]
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
