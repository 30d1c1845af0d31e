"""The one data model every reader, model and metric speaks.

Character offsets into `Document.text` are the source of truth (end exclusive). Tokens, BIO tags
and sentence spans are derived views built in `assay.text`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from assay.errors import InvalidDocument

Span = tuple[int, int]


@dataclass(slots=True)
class Entity:
    """A mention: `text[start:end]` with a label. Entities may nest or overlap.

    A discontinuous mention (BRAT `T1 Label 0 4;9 12`) keeps its pieces in `fragments`;
    `start`/`end` are then the bounds of the pieces. `kb_id` is a normalised concept id
    (MeSH, say); `attrs` keeps what a format carries beside the span (BRAT attributes, ...).
    """

    start: int
    end: int
    label: str
    id: str = ""
    score: float | None = None
    kb_id: str | None = None
    fragments: tuple[Span, ...] = ()
    attrs: dict[str, Any] = field(default_factory=dict)

    @property
    def span(self) -> Span:
        return (self.start, self.end)

    def pieces(self) -> tuple[Span, ...]:
        return self.fragments or ((self.start, self.end),)


@dataclass(slots=True)
class Relation:
    """A directed, labelled link between two entities or two mention groups (by id)."""

    head: str
    tail: str
    label: str
    id: str = ""
    score: float | None = None
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MentionGroup:
    """Several mentions of one thing: a concept (kb_id) or a coreference cluster.

    Document-level relations (BC5CDR CID, ATLOP) hold between groups, not single mentions.
    """

    id: str
    mentions: list[str]
    label: str | None = None
    kb_id: str | None = None


@dataclass(slots=True)
class Section:
    """A named part of the text, such as `title` or `abstract`."""

    name: str
    start: int
    end: int


@dataclass
class Document:
    id: str
    text: str
    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    groups: list[MentionGroup] = field(default_factory=list)
    sentences: list[Span] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def entity_by_id(self) -> dict[str, Entity]:
        return {e.id: e for e in self.entities}

    def group_by_id(self) -> dict[str, MentionGroup]:
        return {g.id: g for g in self.groups}

    def mention_text(self, entity: Entity) -> str:
        """The entity's surface text; pieces of a discontinuous mention are joined by a space."""
        return " ".join(self.text[s:e] for s, e in entity.pieces())

    def section_of(self, start: int) -> Section | None:
        for section in self.sections:
            if section.start <= start < section.end:
                return section
        return None

    def validate(self) -> "Document":
        """Check every invariant; raise InvalidDocument naming the document, field and value.
        Whether the labels are a schema's is the schema's check: `Schema.validate(doc)`."""
        n = len(self.text)

        def fail(what: str) -> None:
            raise InvalidDocument(f"document {self.id!r}: {what}")

        ids: set[str] = set()
        for i, e in enumerate(self.entities):
            where = entity_where(i, e)
            if not e.id:
                fail(f"{where} has no id")
            if e.id in ids:
                fail(f"{where}: duplicate entity id")
            ids.add(e.id)
            for s, t in e.pieces():
                if not 0 <= s < t <= n:
                    fail(f"{where}: span [{s}, {t}) is not inside the text (0..{n}) or is empty")
            if e.fragments and (e.start, e.end) != (e.fragments[0][0], e.fragments[-1][1]):
                fail(f"{where}: start/end {e.span} are not the bounds of its fragments")
        for i, g in enumerate(self.groups):
            if g.id in ids:
                fail(f"groups[{i}]: id {g.id!r} is already used")
            missing = [m for m in g.mentions if m not in ids]
            if missing:
                fail(f"groups[{i}] (id {g.id!r}): unknown mention id(s) {missing}")
            ids.add(g.id)
        for i, r in enumerate(self.relations):
            for end in (r.head, r.tail):
                if end not in ids:
                    fail(f"{relation_where(i, r)}: unknown argument id {end!r}")
        for name, spans in (("sentences", self.sentences),
                            ("sections", [(s.start, s.end) for s in self.sections])):
            for i, (s, t) in enumerate(spans):
                if not 0 <= s <= t <= n:
                    fail(f"{name}[{i}]: span [{s}, {t}) is not inside the text (0..{n})")
        return self


def entity_where(i: int, e: Entity) -> str:
    """How an error names the i-th entity of a document."""
    return f"entities[{i}] (id {e.id!r}, label {e.label!r})"


def relation_where(i: int, r: Relation) -> str:
    """How an error names the i-th relation of a document."""
    return f"relations[{i}] ({r.label} {r.head} -> {r.tail})"


def number_entities(entities: Iterable[Entity], prefix: str = "T") -> list[Entity]:
    """Give entities without an id the ids T1, T2, ... (skipping ids already taken)."""
    entities = list(entities)
    taken = {e.id for e in entities if e.id}
    k = 0
    for e in entities:
        if not e.id:
            k += 1
            while f"{prefix}{k}" in taken:
                k += 1
            e.id = f"{prefix}{k}"
    return entities
