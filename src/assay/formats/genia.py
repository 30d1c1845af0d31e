"""GENIA nested NER as JSON lines: one sentence a line.

`{"tokens": [...], "doc_id", "sent_id", "entity_mentions": [{"start", "end", "entity_type",
"text"}]}` with `end` exclusive. The document id is `sent_id` (else the line number); other
fields are kept in `meta`. A mention's `text`, when given, must equal its tokens joined by spaces.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document
from assay.errors import FormatError, Problems
from assay.formats.base import field, read_json_lines, write_json_lines
from assay.formats.tokenized import document_from_tokens, token_view

HOLDS = {"relations": False, "nested": True, "groups": False}
KNOWN = {"tokens", "entity_mentions", "sent_id"}


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    return read_json_lines(path, problems or Problems(), _document)


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json_lines(docs, path, to_record)


def to_record(doc: Document) -> dict[str, Any]:
    view = token_view(doc)
    tokens = [t for sentence in view.tokens() for t in sentence]
    mentions = []
    for e in doc.entities:
        try:
            s, t = view.word_range(e)
        except ValueError as err:
            raise FormatError(str(err)) from None
        mentions.append({"start": s, "end": t, "entity_type": e.label, "text": " ".join(tokens[s:t])})
    return {"tokens": tokens, "sent_id": doc.id, "entity_mentions": mentions, **doc.meta}


def _document(data: dict[str, Any], number: int) -> Document:
    tokens = field(data, "tokens", list, f"line {number}")
    doc_id = str(data.get("sent_id", number))
    spans = []
    for i, m in enumerate(data.get("entity_mentions", [])):
        where = f"sentence {doc_id!r} entity_mentions[{i}]"
        s, e = field(m, "start", int, where), field(m, "end", int, where)
        if "text" in m and " ".join(tokens[s:e]) != m["text"]:
            raise ValueError(f"{where}: text {m['text']!r} is not its tokens "
                             f"{' '.join(tokens[s:e])!r}")
        spans.append((s, e, field(m, "entity_type", str, where)))
    meta = {k: v for k, v in data.items() if k not in KNOWN}
    return document_from_tokens(doc_id, [tokens], spans, meta=meta)
