"""PubTator: documents separated by blank lines.

```
PMID|t|title
PMID|a|abstract
PMID<TAB>start<TAB>end<TAB>text<TAB>type<TAB>concept id[<TAB>more]
PMID<TAB>CID<TAB>chemical id<TAB>disease id
```

Offsets count over title + one character + abstract. The Document text is title + newline +
abstract (sections `title` and `abstract`). A mention's concept id becomes `kb_id`; a composite
mention (`D001|D002`) belongs to both concepts; `-1` means none. Every concept becomes a mention
group whose id is the concept id, and relation lines become Relations between groups. Extra
columns are kept (`attrs["columns"]` on mentions and relations) and written back.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document, Entity, MentionGroup, Relation, Section
from assay.errors import FormatError, Problems
from assay.formats.base import LINE_BREAKS, checked, read_text, unique_ids, writing

HOLDS = {"relations": True, "nested": True, "groups": True}
NO_CONCEPT = "-1"

Line = tuple[int, str]


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    block: list[Line] = []
    for number, line in enumerate(read_text(path).splitlines() + [""], 1):
        if line.strip():
            block.append((number, line))
            continue
        if block:
            doc = _document(block, path, problems)
            if doc is not None and checked(doc, problems, path, block[0][0]):
                yield doc
        block = []


def write(docs: Iterable[Document], path: str | Path) -> None:
    with writing(path) as out:
        for doc in unique_ids(docs, path, "PubTator"):
            out.write(to_block(doc, path) + "\n")


def concepts(doc: Document) -> dict[str, str]:
    """The concept id each relation end stands for: a group's, or a mention's (`-1`: none)."""
    concept = {g.id: g.kb_id or g.id for g in doc.groups}
    concept.update({e.id: e.kb_id or NO_CONCEPT for e in doc.entities})
    return concept


#: what `unheld_relations` finds, and why the format cannot hold it (`assay.formats.fit`)
UNHELD_RELATIONS = ("relations between mentions without concept ids", "an end has no concept id")


def unheld_relations(doc: Document) -> list[Relation]:
    """The relations with an end that has no concept id (a PubTator relation joins concepts)."""
    concept = concepts(doc)
    return [r for r in doc.relations if NO_CONCEPT in (concept[r.head], concept[r.tail])]


def to_block(doc: Document, path: str | Path | None = None) -> str:
    title, abstract, abstract_start = _title_abstract(doc)
    for part, name in ((title, "title"), (abstract, "abstract")):
        if LINE_BREAKS.search(part):
            raise FormatError(f"document {doc.id!r}: its {name} holds a line break, which a "
                              "PubTator line cannot", path)
    lines = [f"{doc.id}|t|{title}", f"{doc.id}|a|{abstract}"]
    shift = len(title) + 1 - abstract_start  # offsets count over title + 1 + abstract
    for e in doc.entities:
        if "\t" in e.label or "\n" in e.label:
            raise FormatError(f"document {doc.id!r}: label {e.label!r} holds a tab or line "
                              "break, which PubTator's columns cannot hold", path)
        if "\t" in doc.text[e.start:e.end]:
            raise FormatError(f"document {doc.id!r}: entity {e.id} ({e.label}) holds a tab, "
                              "which PubTator's mention column cannot hold", path)
        columns = [doc.id, str(e.start + shift), str(e.end + shift), doc.text[e.start:e.end], e.label,
                   e.kb_id or NO_CONCEPT, *e.attrs.get("columns", [])]
        lines.append("\t".join(columns))
    concept = concepts(doc)
    for r in doc.relations:
        unknown = [end for end in (r.head, r.tail) if concept[end] == NO_CONCEPT]
        if unknown:
            raise FormatError(f"document {doc.id!r}: relation {r.label} joins mention "
                              f"{unknown[0]}, which has no concept id; PubTator relations join "
                              "concept ids (--lenient leaves such relations out)", path)
        lines.append("\t".join([doc.id, r.label, concept[r.head], concept[r.tail],
                                *r.attrs.get("columns", [])]))
    return "\n".join(lines) + "\n"


def _title_abstract(doc: Document) -> tuple[str, str, int]:
    """The title, the abstract, and where the abstract starts in `doc.text`."""
    names = {s.name: s for s in doc.sections}
    if "title" in names and "abstract" in names and names["title"].start == 0 and \
            names["abstract"].start == names["title"].end + 1:
        return (doc.text[:names["title"].end],
                doc.text[names["abstract"].start:names["abstract"].end], names["abstract"].start)
    if LINE_BREAKS.search(doc.text):
        raise FormatError(f"document {doc.id!r}: PubTator needs one-line title and abstract "
                          "sections, and this text has line breaks elsewhere")
    return ("", doc.text[1:], 1) if doc.text.startswith(" ") else ("", doc.text, 0)


def _document(block: list[Line], path: str | Path, problems: Problems) -> Document | None:
    parts: dict[str, str] = {}
    pmid = block[0][1].split("|", 1)[0].split("\t", 1)[0]
    mentions, relations = [], []
    for number, line in block:
        head = line.split("\t", 1)[0]
        if "|" in head and line.split("|", 2)[1:2] in (["t"], ["a"]):
            if line.count("|") < 2:
                problems.report(FormatError(f"expected PMID|{line.split('|')[1]}|text, got "
                                            f"{line[:60]!r}", path, number))
                continue
            _, kind, text = line.split("|", 2)
            parts[kind] = text
        elif len(line.split("\t")) >= 6 and line.split("\t")[1].isdigit():
            mentions.append((number, line.split("\t")))
        elif len(line.split("\t")) >= 4:
            relations.append((number, line.split("\t")))
        else:
            problems.report(FormatError(f"not a title, abstract, mention or relation line: "
                                        f"{line[:60]!r}", path, number))
        if head.split("|", 1)[0] != pmid:
            problems.report(FormatError(f"PMID {head.split('|', 1)[0]!r} inside the block of "
                                        f"{pmid!r} (a blank line missing?)", path, number))
            return None
    title, abstract = parts.get("t", ""), parts.get("a", "")
    doc = Document(id=pmid, text=f"{title}\n{abstract}",
                   sections=[Section("title", 0, len(title)),
                             Section("abstract", len(title) + 1, len(title) + 1 + len(abstract))])
    groups: dict[str, MentionGroup] = {}
    for k, (number, cols) in enumerate(mentions, 1):
        start, end, text, label, kb_id = cols[1], cols[2], cols[3], cols[4], cols[5]
        if not end.isdigit() or not int(start) < int(end) <= len(doc.text) \
                or doc.text[int(start):int(end)] != text:
            problems.report(FormatError(f"mention {text!r} [{start}, {end}) does not match the "
                                        "text at those offsets", path, number))
            continue
        ent = Entity(int(start), int(end), label, id=f"T{k}", kb_id=kb_id,
                     attrs={"columns": cols[6:]} if cols[6:] else {})
        doc.entities.append(ent)
        for concept in kb_id.split("|"):
            if concept != NO_CONCEPT:
                groups.setdefault(concept, MentionGroup(concept, [], label, concept)).mentions.append(ent.id)
    doc.groups = list(groups.values())
    for number, cols in relations:
        label, head, tail = cols[1], cols[2], cols[3]
        missing = [c for c in (head, tail) if c not in groups]
        if missing:
            problems.report(FormatError(f"relation {label} names concept {missing[0]!r}, which "
                                        "no mention has", path, number))
            continue
        doc.relations.append(Relation(head, tail, label,
                                      attrs={"columns": cols[4:]} if cols[4:] else {}))
    return doc
