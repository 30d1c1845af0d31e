"""What can be extracted: entity labels, relation labels and the (head, tail) label pairs they allow."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from assay.doc import Document


@dataclass
class Schema:
    """Entity labels, relation labels with allowed (head label, tail label) pairs, descriptions.

    An empty list of pairs for a relation label allows any pair. Descriptions are optional
    natural-language glosses for label-prompted and LLM extractors.
    """

    entity_labels: list[str] = field(default_factory=list)
    relation_labels: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def check_relation(self, label: str, head: str | None, tail: str | None,
                       fail: Callable[[str], None], where: str) -> None:
        if label not in self.relation_labels:
            fail(f"{where}: relation label not in the schema {sorted(self.relation_labels)}")
        pairs = self.relation_labels[label]
        if pairs and (head, tail) not in pairs:
            fail(f"{where}: ({head}, {tail}) is not an allowed argument pair for {label}")

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
