"""Label maps on Documents: one dataset's types renamed into another's (SoMeSci's
`Application_Usage` to SOMD's `Application`), prefixed, or narrowed to the types kept.

What a map leaves out is counted, never dropped without a word: entities of types not kept,
and the relations and mention-group members that referred to them.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from assay.doc import Document


@dataclass
class LabelMap:
    """`mapping` renames labels (of entities, mention groups and relations alike; others stay
    as they are), then `prefix` is put before every label; `keep` and `keep_relations` (labels
    after renaming): only these entity and relation types are kept (None: all)."""

    mapping: dict[str, str] = field(default_factory=dict)
    prefix: str = ""
    keep: frozenset[str] | None = None
    keep_relations: frozenset[str] | None = None
    dropped: Counter = field(default_factory=Counter)  # what was left out, by kind and label

    def __bool__(self) -> bool:
        return bool(self.mapping or self.prefix or self.keep is not None
                    or self.keep_relations is not None)

    def label(self, name: str) -> str:
        return self.prefix + self.mapping.get(name, name)

    def __call__(self, doc: Document) -> Document:
        if not self:
            return doc
        entities = []
        for e in doc.entities:
            label = self.label(e.label)
            if self.keep is None or label in self.keep:
                entities.append(replace(e, label=label))
            else:
                self.dropped[f"entity {label}"] += 1
        ids = {e.id for e in entities} | {g.id for g in doc.groups}
        groups = []
        for g in doc.groups:
            mentions = [m for m in g.mentions if m in ids]
            if mentions:
                label = None if g.label is None else self.label(g.label)
                groups.append(replace(g, mentions=mentions, label=label))
            else:
                ids.discard(g.id)
                self.dropped["group emptied"] += 1
        relations = []
        for r in doc.relations:
            label = self.label(r.label)
            if r.head in ids and r.tail in ids and (self.keep_relations is None
                                                    or label in self.keep_relations):
                relations.append(replace(r, label=label))
            else:
                self.dropped[f"relation {label}"] += 1
        return replace(doc, entities=entities, relations=relations, groups=groups)

    def summary(self) -> str:
        """What was left out, in words ("" when nothing was)."""
        if not self.dropped:
            return ""
        return "left out (type not kept): " + ", ".join(
            f"{n} {what}" for what, n in sorted(self.dropped.items()))
