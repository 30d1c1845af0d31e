"""DyGIE / PURE JSON lines (SciERC): one document a line.

`{"doc_key", "sentences": [[token, ...], ...], "ner": [[[start, end, label], ...] per sentence],
"relations": [[[s1, e1, s2, e2, label], ...] per sentence], "clusters": [[[start, end], ...]]}`.
Token offsets count over the whole document and ends are inclusive. A relation's arguments
and a cluster's mentions are named by span and must be entities. Clusters become mention
groups C1, C2, ...; other top-level fields are kept in `meta` and written back.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document, MentionGroup, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import field, read_json_lines, write_json_lines
from assay.formats.tokenized import document_from_tokens, token_view

HOLDS = {"relations": True, "nested": True, "groups": True, "group_relations": False}
KNOWN = {"doc_key", "sentences", "ner", "relations", "clusters"}


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    return read_json_lines(path, problems,
                           lambda record, number: _document(record, path, number, problems))


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json_lines(docs, path, to_record)


def to_record(doc: Document) -> dict[str, Any]:
    view = token_view(doc)
    try:
        words = {e.id: view.word_range(e) for e in doc.entities}
    except ValueError as err:
        raise FormatError(str(err)) from None
    ner: list[list] = [[] for _ in view.sentences]
    relations: list[list] = [[] for _ in view.sentences]
    for e in doc.entities:
        first, end = words[e.id]
        ner[view.sentence_index(first)].append([first, end - 1, e.label])
    for r in doc.relations:
        if r.head not in words or r.tail not in words:
            raise FormatError(f"document {doc.id!r}: relation {r.label} joins mention groups "
                              f"({r.head} -> {r.tail}); DyGIE relations join mentions")
        (h1, h2), (t1, t2) = words[r.head], words[r.tail]
        relations[view.sentence_index(h1)].append([h1, h2 - 1, t1, t2 - 1, r.label])
    clusters = [[[words[m][0], words[m][1] - 1] for m in g.mentions] for g in doc.groups]
    return {"doc_key": doc.id, "sentences": view.tokens(), "ner": ner, "relations": relations,
            "clusters": clusters, **doc.meta}


def _document(data: dict[str, Any], path: str | Path, number: int, problems: Problems) -> Document:
    doc_id = str(field(data, "doc_key", (str, int), "document"))
    where = f"document {doc_id!r}"
    sentences = field(data, "sentences", list, where)
    ner = data.get("ner", [[] for _ in sentences])
    spans = [(s, e + 1, label) for sentence in ner for s, e, label in sentence]
    doc = document_from_tokens(doc_id, sentences, spans,
                               meta={k: v for k, v in data.items() if k not in KNOWN})
    by_span = {}
    for (s, e, _), ent in zip(spans, doc.entities):
        by_span.setdefault((s, e - 1), ent.id)

    def entity(s: int, e: int, what: str) -> str | None:
        if (s, e) not in by_span:
            problems.report(FormatError(f"{where}: {what} names span [{s}, {e}], which is no "
                                        "entity", path, number))
        return by_span.get((s, e))

    for k, sentence in enumerate(data.get("relations", [])):
        for s1, e1, s2, e2, label in sentence:
            head = entity(s1, e1, f"relation {label} in sentence {k}")
            tail = entity(s2, e2, f"relation {label} in sentence {k}")
            if head and tail:
                doc.relations.append(Relation(head, tail, label))
    for k, cluster in enumerate(data.get("clusters", []), 1):
        mentions = [entity(s, e, f"cluster {k}") for s, e in cluster]
        doc.groups.append(MentionGroup(f"C{k}", [m for m in mentions if m]))
    return doc
