"""BRAT standoff: `NAME.txt` with `NAME.ann` beside it.

`.ann` lines, tab-separated:
- `T1  Label START END[;START END...]  text`: an entity; several pieces make a discontinuous
  one (kept in `Entity.fragments`, never dropped);
- `R1  Label Arg1:T1 Arg2:T2`: a relation (head = Arg1, tail = Arg2);
- `E1  Trigger:T1 Role:T2 Role2:T3`: an event; each argument becomes a Relation from the
  trigger entity labelled with the role (trailing digits removed: `Acts-on2` -> `Acts-on`);
  `attrs` keep the event id and the exact role, the trigger entity keeps its event ids in
  `attrs["events"]`, so that events without arguments are kept too;
- an argument that names an event stands for its trigger (`attrs["refs"]` keeps the event id);
- `N1  Reference T1 DB:ID  text`: a normalisation, the first of an entity becomes its `kb_id`;
- `A`, `M`, `#` and `*` lines are kept verbatim in `meta["brat_other"]` and written back.

The path is a folder of `.ann`/`.txt` pairs (document id = file stem), a folder whose
sub-folders hold them (SoMeSci's four subsets; the ids must then be unique), or one `.ann` /
`.txt` file or its stem. Writing takes a folder.
"""
from __future__ import annotations

import re
from dataclasses import replace
from itertools import count
from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document, Entity, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import (LINE_BREAKS, checked, file_stem, filled, one_word_labels,
                                read_text, unique_ids)

HOLDS = {"relations": True, "nested": True, "groups": False}
_ROLE_NUMBER = re.compile(r"\d+$")


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    path = Path(path)
    if path.is_dir():
        stems = sorted(p.with_suffix("") for p in path.glob("*.ann")) or \
            sorted(p.with_suffix("") for p in path.glob("*/**/*.ann"))
        if not stems:
            raise FormatError("no .ann files in this folder or its sub-folders", path)
        for text in sorted({t for stem in stems for t in stem.parent.glob("*.txt")}
                           - {stem.with_suffix(".txt") for stem in stems}):
            problems.report(FormatError(f"{text.name} has no .ann beside it (an empty .ann "
                                        "says a text has no annotations)", text))
        named = {}
        for stem in stems:
            if stem.name in named:
                raise FormatError(f"two documents are named {stem.name!r} (document id = file "
                                  f"name): {named[stem.name]} and {stem}", path)
            named[stem.name] = stem
    else:
        stems = [path.with_suffix("") if path.suffix in (".ann", ".txt") else path]
    for stem in stems:
        doc = _document(stem, problems)
        if checked(doc, problems, stem.with_suffix(".ann"), None):
            yield doc


def write(docs: Iterable[Document], path: str | Path) -> None:
    """Into the folder `path` once every document is written (see `filled`)."""
    with filled(path) as folder:
        for doc in unique_ids(docs, path, "BRAT"):
            stem = file_stem(doc, path, "BRAT")
            one_word_labels(doc, path, "BRAT")
            (folder / f"{stem}.txt").write_text(doc.text, encoding="utf-8")
            (folder / f"{stem}.ann").write_text(to_ann(doc), encoding="utf-8")


def _column(text: str) -> str:
    """A mention's text as an .ann line's text column holds it: on one line."""
    return LINE_BREAKS.sub(" ", text)  # what ends a line for some reader of .ann files


def _brat_ids(doc: Document) -> Document:
    """`doc` with entity ids BRAT reads as entities (T1, T2, ...) and relation ids that do
    not repeat: ids of another shape (`e1` from JSON lines) are numbered anew, references
    following."""
    if all(re.fullmatch(r"T\d+", e.id) for e in doc.entities):
        names = {}
    else:
        names = {e.id: f"T{k}" for k, e in enumerate(doc.entities, 1)}
    taken = {r.id for r in doc.relations if r.id and re.fullmatch(r"R\d+", r.id)}
    fresh = _fresh_ids("R", taken)
    relations, seen = [], set()
    for r in doc.relations:
        rid = r.id if r.id in taken and r.id not in seen else next(fresh)
        seen.add(rid)
        relations.append(replace(r, id=rid, head=names.get(r.head, r.head),
                                 tail=names.get(r.tail, r.tail)))
    return replace(doc, entities=[replace(e, id=names.get(e.id, e.id)) for e in doc.entities],
                   relations=relations)


def _fresh_ids(kind: str, taken: set[str]) -> Iterator[str]:
    """`kind`1, `kind`2, ... less the ids already taken."""
    return (f"{kind}{k}" for k in count(1) if f"{kind}{k}" not in taken)


def to_ann(doc: Document) -> str:
    doc = _brat_ids(doc)
    lines = []
    for e in doc.entities:
        pieces = ";".join(f"{s} {t}" for s, t in e.pieces())
        lines.append(f"{e.id}\t{e.label} {pieces}\t{_column(doc.mention_text(e))}")
    event_args: dict[str, list[Relation]] = {}
    plain = []
    for r in doc.relations:
        if "event" in r.attrs:
            event_args.setdefault(r.attrs["event"], []).append(r)
        else:
            plain.append(r)
    for e in doc.entities:
        for event in e.attrs.get("events", []):
            args = " ".join(f"{r.attrs.get('role', r.label)}:{_ref(r, 'tail')}"
                            for r in event_args.get(event, []))
            lines.append(f"{event}\t{e.label}:{e.id} {args}".rstrip())
    for r in plain:
        lines.append(f"{r.id}\t{r.label} Arg1:{_ref(r, 'head')} Arg2:{_ref(r, 'tail')}")
    fresh = _fresh_ids("N", {line.split("\t", 1)[0] for e in doc.entities
                             for line in e.attrs.get("norms", [])})
    for e in doc.entities:
        for line in e.attrs.get("norms", []):
            lines.append(line)
        if e.kb_id and not e.attrs.get("norms"):
            lines.append(f"{next(fresh)}\tReference {e.id} {e.kb_id}\t"
                         f"{_column(doc.mention_text(e))}")
    lines += doc.meta.get("brat_other", [])
    return "".join(f"{line}\n" for line in lines)


def _ref(r: Relation, end: str) -> str:
    return r.attrs.get("refs", {}).get(end, getattr(r, end))


def _document(stem: Path, problems: Problems) -> Document:
    ann_path = stem.with_suffix(".ann")
    doc = Document(id=stem.name, text=read_text(stem.with_suffix(".txt"), exact=True))
    # lines end at \n only: a text column may hold other line separators (\u2028)
    lines = list(enumerate(read_text(ann_path).split("\n"), 1))
    entities: dict[str, Entity] = {}
    for number, line in lines:
        if line.startswith("T"):
            try:
                ent = _entity(line, doc.text)
            except ValueError as err:
                problems.report(FormatError(str(err), ann_path, number))
                continue
            entities[ent.id] = ent
            doc.entities.append(ent)
    triggers = {}  # event id -> trigger entity id
    for number, line in lines:
        if line.startswith("E"):
            event, _, body = line.partition("\t")
            trigger = body.split()[0].split(":", 1)[-1] if body.split() else ""
            triggers[event] = trigger
    event_relations, relations = [], []
    for number, line in lines:
        kind = line[:1]
        if kind == "T" or not line.strip():
            continue
        try:
            if kind == "E":
                event_relations += _event(line, entities, triggers)
            elif kind == "R":
                relations.append(_relation(line, entities, triggers))
            elif kind == "N":
                _normalisation(line, entities)
            elif kind in "AM#*":
                doc.meta.setdefault("brat_other", []).append(line)
            else:
                raise ValueError(f"unknown annotation line {line[:40]!r}")
        except (ValueError, KeyError, IndexError) as err:
            problems.report(FormatError(f"{err} in {line[:60]!r}", ann_path, number))
    doc.relations = event_relations + relations
    return doc


def _entity(line: str, text: str) -> Entity:
    fields = line.split("\t", 2)  # the mention text itself may hold a tab
    if len(fields) < 2:
        raise ValueError(f"expected 'ID<TAB>Label START END<TAB>text', got {line[:60]!r}")
    label, _, offsets = fields[1].partition(" ")
    pieces = []
    for piece in offsets.split(";"):
        s, _, e = piece.strip().partition(" ")
        if not (s.isdigit() and e.isdigit()) or not 0 <= int(s) < int(e) <= len(text):
            raise ValueError(f"{fields[0]}: offsets {piece!r} are not inside the text "
                             f"({len(text)} characters)")
        pieces.append((int(s), int(e)))
    ent = Entity(pieces[0][0], pieces[-1][1], label, id=fields[0],
                 fragments=tuple(pieces) if len(pieces) > 1 else ())
    written = fields[2] if len(fields) > 2 else None
    if written is not None and written != _column(" ".join(text[s:e] for s, e in pieces)):
        raise ValueError(f"{fields[0]}: text {written!r} is not the text at {offsets!r}")
    return ent


def _event(line: str, entities: dict[str, Entity], triggers: dict[str, str]) -> list[Relation]:
    event, _, body = line.partition("\t")
    args = body.split()
    trigger = entities[triggers[event]]
    trigger.attrs.setdefault("events", []).append(event)
    relations = []
    for arg in args[1:]:
        role, _, target = arg.partition(":")
        attrs = {"event": event, "role": role}
        if target in triggers:
            attrs["refs"] = {"tail": target}
        elif target not in entities:
            raise KeyError(f"argument {target!r} is no entity or event")
        relations.append(Relation(trigger.id, triggers.get(target, target),
                                  _ROLE_NUMBER.sub("", role), attrs=attrs))
    return relations


def _relation(line: str, entities: dict[str, Entity], triggers: dict[str, str]) -> Relation:
    rel_id, _, body = line.partition("\t")
    label, *args = body.split()
    ends = dict(arg.partition(":")[::2] for arg in args)
    head, tail = ends["Arg1"], ends["Arg2"]
    for ref in (head, tail):
        if ref not in entities and ref not in triggers:
            raise KeyError(f"argument {ref!r} is no entity or event")
    refs = {end: ref for end, ref in (("head", head), ("tail", tail)) if ref in triggers}
    return Relation(triggers.get(head, head), triggers.get(tail, tail), label, id=rel_id,
                    attrs={"refs": refs} if refs else {})


def _normalisation(line: str, entities: dict[str, Entity]) -> None:
    fields = line.split("\t")
    _, target, reference = fields[1].split()
    ent = entities[target]
    ent.kb_id = ent.kb_id or reference
    ent.attrs.setdefault("norms", []).append(line)
