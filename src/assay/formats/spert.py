"""SpERT JSON (CoNLL04 and others): one JSON list of sentences.

`[{"tokens": [...], "entities": [{"type", "start", "end"}], "relations": [{"type", "head",
"tail"}]}]` with `end` exclusive and `head`/`tail` indices into `entities`. The document id is
`orig_id` when present, else the position in the list; other fields are kept in `meta`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from assay.doc import Document, Relation
from assay.errors import FormatError, Problems
from assay.formats.base import checked, field, load_json, write_json
from assay.formats.tokenized import document_from_tokens, token_view

HOLDS = {"relations": True, "nested": True, "groups": False}
KNOWN = {"tokens", "entities", "relations"}


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    data = load_json(path)
    if not isinstance(data, list):
        raise FormatError("expected a JSON list of sentences", path)
    for k, record in enumerate(data):
        where = f"sentence {k}"
        try:
            tokens = field(record, "tokens", list, where)
            spans = [(field(e, "start", int, f"{where} entities[{i}]"),
                      field(e, "end", int, f"{where} entities[{i}]"),
                      field(e, "type", str, f"{where} entities[{i}]"))
                     for i, e in enumerate(record.get("entities", []))]
            meta = {key: v for key, v in record.items() if key not in KNOWN}
            doc = document_from_tokens(str(record.get("orig_id", k)), [tokens], spans, meta=meta)
            for i, r in enumerate(record.get("relations", [])):
                head, tail = field(r, "head", int, f"{where} relations[{i}]"), field(r, "tail", int, f"{where} relations[{i}]")
                if not (0 <= head < len(spans) and 0 <= tail < len(spans)):
                    raise ValueError(f"{where} relations[{i}]: head {head} or tail {tail} is not "
                                     f"an index into its {len(spans)} entities")
                doc.relations.append(Relation(doc.entities[head].id, doc.entities[tail].id,
                                              field(r, "type", str, f"{where} relations[{i}]")))
        except (ValueError, TypeError) as err:
            problems.report(FormatError(str(err), path))
            continue
        if checked(doc, problems, path, None):
            yield doc


def write(docs: Iterable[Document], path: str | Path) -> None:
    write_json(path, [to_record(doc) for doc in docs])


def to_record(doc: Document) -> dict[str, Any]:
    view = token_view(doc)
    try:
        words = [view.word_range(e) for e in doc.entities]
    except ValueError as err:
        raise FormatError(str(err)) from None
    index = {e.id: i for i, e in enumerate(doc.entities)}
    record = {"tokens": [t for sentence in view.tokens() for t in sentence],
              "entities": [{"type": e.label, "start": s, "end": t}
                           for e, (s, t) in zip(doc.entities, words)],
              "relations": [{"type": r.label, "head": index[r.head], "tail": index[r.tail]}
                            for r in doc.relations],
              **doc.meta}
    if "orig_id" not in record and not doc.id.isdigit():
        record["orig_id"] = doc.id
    return record
