"""What a target format cannot hold, taken out of documents before they are written.

Two kinds of loss. A whole kind of annotation the format has no place for (relations in CoNLL,
mention groups in BRAT) is left out and counted, since converting to such a format means that.
Single annotations the format could hold only by breaking (a second document of an id in a
format keyed by id, an entity nested in another in IOB2, a PubTator relation between mentions
without concept ids, a discontinuous entity or a relation of another task in MeasEval) stop
the conversion with the reason, unless `lenient`: then they are left out and counted too.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Iterator

from assay import formats
from assay.doc import Document
from assay.errors import FormatError
from assay.formats.base import is_one_word

KEYED = {"gutbrainie", "brat", "pubtator", "measeval"}  # formats that key documents by id
ONE_WORD_LABELS = {"conll", "somd", "brat"}  # formats that write labels in space-separated columns
SENTENCES_ONLY = {"conll", "somd"}  # formats that hold a document as its sentences: none if blank


def fit(docs: list[Document], format: str, lenient: bool) -> tuple[list[Document], Counter]:
    """The documents that `format` can hold, and what was left out of them, by kind."""
    lost: Counter = Counter()
    kept = list(fitted(docs, format, lenient, lost))
    return kept, +lost


def fitted(docs: Iterable[Document], format: str, lenient: bool, lost: Counter
           ) -> Iterator[Document]:
    """`fit` as a stream: each document as `format` can hold it, as it comes; what was left
    out is added to `lost` as it goes."""
    holds = formats.holds(format)
    module = formats.module(format)
    unheld = getattr(module, "unheld_relations", lambda doc: [])
    unheld_what, unheld_why = getattr(module, "UNHELD_RELATIONS", ("", ""))

    def refuse(what: str, example: str) -> None:
        if not lenient:
            raise FormatError(f"{format} cannot hold {example}; --lenient leaves such {what} "
                              "out and counts them")
        lost[what] += 1

    seen = set()
    for doc in docs:
        if format in KEYED and doc.id in seen:
            refuse("documents with a repeated id", f"a second document with the id {doc.id!r}")
            continue
        seen.add(doc.id)
        if format in SENTENCES_ONLY and not doc.text.strip():
            lost["documents without text"] += 1
            continue
        groups = {g.id for g in doc.groups}
        if not holds["groups"] or not holds.get("group_relations", True):
            relations = [r for r in doc.relations if r.head not in groups and r.tail not in groups]
            lost["relations between mention groups"] += len(doc.relations) - len(relations)
            doc.relations = relations
        if not holds["groups"]:
            lost["mention groups"] += len(groups)
            doc.groups = []
        if not holds["relations"]:
            lost["relations"] += len(doc.relations)
            doc.relations = []
        if not holds["nested"]:
            for ent in _nested(doc):
                refuse("nested or overlapping entities", f"entity {ent.id} ({ent.label}) of "
                       f"document {doc.id!r}, which overlaps another")
                _drop_entity(doc, ent.id)
        if format in ONE_WORD_LABELS:
            for ent in [e for e in doc.entities if not is_one_word(e.label)]:
                refuse("annotations whose label is not one word", f"label {ent.label!r} "
                       f"(entity {ent.id} of document {doc.id!r}): labels are one word there")
                _drop_entity(doc, ent.id)
            for r in [r for r in doc.relations if not is_one_word(r.label)]:
                refuse("annotations whose label is not one word", f"label {r.label!r} "
                       f"(a relation of document {doc.id!r}): labels are one word there")
                doc.relations.remove(r)
        if not holds.get("discontinuous", True):
            for ent in [e for e in doc.entities if e.fragments]:
                refuse("discontinuous entities", f"entity {ent.id} ({ent.label}) of document "
                       f"{doc.id!r}, which is in pieces")
                _drop_entity(doc, ent.id)
        for r in unheld(doc):
            refuse(unheld_what, f"relation {r.label} {r.head} -> {r.tail} of document "
                   f"{doc.id!r}: {unheld_why}")
            doc.relations.remove(r)
        yield doc


def _nested(doc: Document) -> list:
    """The entities that overlap one kept before them (longest first, in text order)."""
    taken: list[tuple[int, int]] = []
    out = []
    for ent in sorted(doc.entities, key=lambda e: (e.start, -e.end)):
        if any(ent.start < end and start < ent.end for start, end in taken):
            out.append(ent)
        else:
            taken.append((ent.start, ent.end))
    return out


def _drop_entity(doc: Document, entity_id: str) -> None:
    doc.entities = [e for e in doc.entities if e.id != entity_id]
    doc.relations = [r for r in doc.relations if entity_id not in (r.head, r.tail)]
    for g in doc.groups:
        g.mentions = [m for m in g.mentions if m != entity_id]
