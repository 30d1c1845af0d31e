"""Label maps on Documents: one dataset's types renamed into another's (SoMeSci's
`Application_Usage` to SOMD's `Application`), prefixed, or narrowed to the types kept.

What a map leaves out is counted, never dropped without a word: entities of types not kept,
and the relations and mention-group members that referred to them.
"""
from __future__ import annotations

import json
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from assay.doc import Document

# SoMeSci gives each software type the mention's role as a suffix; SOMD 2025 (built from
# SoMeSci) has the bare types, and the same attributes and relations
SOMESCI_ROLES = ("Usage", "Mention", "Creation", "Deposition")
SOMESCI_SOFTWARE = ("Application", "PlugIn", "ProgrammingEnvironment", "OperatingSystem",
                    "SoftwareCoreference")
NAMED_MAPS = {
    "somesci": {f"{kind}_{role}": kind for kind in SOMESCI_SOFTWARE for role in SOMESCI_ROLES},
}


def parse_label_map(spec: str | dict[str, str]) -> dict[str, str]:
    """The renaming a label-map setting names: a dict as it is; a named map (`somesci`:
    SoMeSci's `Application_Usage` ... to SOMD's `Application` ...); a JSON or TOML file of
    `old = new`; or `old=new,old=new`. A ValueError says what is wrong with it."""
    if isinstance(spec, dict):
        return spec
    if spec in NAMED_MAPS:
        return NAMED_MAPS[spec]
    path = Path(spec)
    if path.suffix in (".json", ".toml"):
        try:
            text = path.read_text(encoding="utf-8")
            mapping = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
        except (OSError, ValueError) as err:
            raise ValueError(f"label map {spec}: {err}") from None
        if not all(isinstance(v, str) for v in mapping.values()):
            raise ValueError(f"label map {spec}: every value must be a label (old = \"new\")")
        return mapping
    pairs = [p.partition("=") for p in spec.split(",") if p.strip()]
    if not pairs or any(not old.strip() or not eq or not new.strip() for old, eq, new in pairs):
        raise ValueError(f"label map {spec!r}: give a named map ({', '.join(NAMED_MAPS)}), a "
                         ".json or .toml file, or old=new,old=new")
    return {old.strip(): new.strip() for old, _, new in pairs}


@dataclass
class LabelMap:
    """`mapping` renames labels (of entities, mention groups and relations alike; others stay
    as they are), then `prefix` is put before every label; `keep` and `keep_relations` (labels
    after renaming, before the prefix): only these entity and relation types are kept (None:
    all)."""

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

    def kept(self, name: str, keep: frozenset[str] | None) -> bool:
        return keep is None or self.mapping.get(name, name) in keep

    def __call__(self, doc: Document) -> Document:
        if not self:
            return doc
        entities = []
        for e in doc.entities:
            label = self.label(e.label)
            if self.kept(e.label, self.keep):
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
            if r.head in ids and r.tail in ids and self.kept(r.label, self.keep_relations):
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
