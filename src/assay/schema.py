"""What can be extracted: entity labels, relation labels and the (head, tail) label pairs they allow."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from assay.doc import Document, entity_where, relation_where
from assay.errors import InvalidDocument


@dataclass
class Schema:
    """Entity labels, relation labels with allowed (head label, tail label) pairs, descriptions.

    An empty list of pairs for a relation label allows any pair. Descriptions are optional
    natural-language glosses for label-prompted and LLM extractors.
    """

    entity_labels: list[str] = field(default_factory=list)
    relation_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def validate(self, doc: Document) -> Document:
        """Check the document's invariants (`Document.validate`) and that its entity labels,
        relation labels and relation argument pairs are this schema's; raise InvalidDocument
        naming the document and the item."""
        doc.validate()

        def fail(what: str) -> None:
            raise InvalidDocument(f"document {doc.id!r}: {what}")

        for i, e in enumerate(doc.entities):
            if e.label not in self.entity_labels:
                fail(f"{entity_where(i, e)}: label not in the schema {sorted(self.entity_labels)}")
        labels = {e.id: e.label for e in doc.entities} | {g.id: g.label for g in doc.groups}
        for i, r in enumerate(doc.relations):
            if r.label not in self.relation_labels:
                fail(f"{relation_where(i, r)}: relation label not in the schema "
                     f"{sorted(self.relation_labels)}")
            pairs, pair = self.relation_labels[r.label], (labels[r.head], labels[r.tail])
            if pairs and pair not in pairs:
                fail(f"{relation_where(i, r)}: ({pair[0]}, {pair[1]}) is not an allowed argument "
                     f"pair for {r.label}")
        return doc

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> "Schema":
        """The schema that the annotations of `docs` use, pairs included."""
        entity_labels: set[str] = set()
        pairs: dict[str, set[tuple[str, str]]] = {}
        for doc in docs:
            entity_labels.update(e.label for e in doc.entities)
            labels = {e.id: e.label for e in doc.entities} | {g.id: g.label for g in doc.groups}
            for r in doc.relations:
                pairs.setdefault(r.label, set()).add((labels.get(r.head), labels.get(r.tail)))
        return cls(sorted(entity_labels),
                   {k: sorted(v, key=str) for k, v in sorted(pairs.items())})

    def to_json(self) -> dict:
        return {"entity_labels": self.entity_labels,
                "relation_labels": {k: [list(p) for p in v] for k, v in self.relation_labels.items()},
                "descriptions": self.descriptions}

    @classmethod
    def from_json(cls, data: dict) -> "Schema":
        return cls(list(data.get("entity_labels", [])),
                   {k: [tuple(p) for p in v] for k, v in data.get("relation_labels", {}).items()},
                   dict(data.get("descriptions", {})))

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def load(cls, path: str | Path) -> "Schema":
        return cls.from_json(json.loads(Path(path).read_text()))
