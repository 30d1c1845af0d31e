"""Documents as the sentence records a peer trains on and predicts (one JSON line a sentence:
its units joined by single spaces, which both spaCy's whitespace words and gliner's own word
splitter split back into the same units), and the peer's predicted records back as documents
in the original offsets. Shared by the peer harnesses (bench/*_peers.py)."""
from __future__ import annotations

import json
import os
from pathlib import Path

from assay.doc import Document, Entity
from assay.text.sentences import sentence_spans
from assay.text.units import unit_spans


def sentence_records(docs: list[Document], cut: bool) -> tuple[list[dict], list[list]]:
    """A record per sentence (text: its units joined by spaces, entities in those offsets)
    and, per record, (document index, the original span of each unit, each unit's start in
    the text, the record's id). With `cut` (training), units are also split at entity
    boundaries. An entity that crosses a sentence boundary, or (without `cut`) does not start
    and end on units, is in no record: `in_no_sentence` counts them."""
    records, maps = [], []
    for k, doc in enumerate(docs):
        cuts = [p for e in doc.entities for p in e.span] if cut else ()
        for n, (s, e) in enumerate(sentence_spans(doc)):
            units = unit_spans(doc.text, s, e, cuts)
            if not units:
                continue
            starts, pos = [], 0
            for a, b in units:
                starts.append(pos)
                pos += b - a + 1
            text = " ".join(doc.text[a:b] for a, b in units)
            first = {a: i for i, (a, _) in enumerate(units)}
            last = {b: i for i, (_, b) in enumerate(units)}
            entities = [{"start": starts[first[x.start]],
                         "end": starts[last[x.end]] + x.end - units[last[x.end]][0],
                         "label": x.label} for x in doc.entities
                        if s <= x.start and x.end <= e and x.start in first and x.end in last]
            records.append({"id": f"{doc.id}:{n}", "text": text, "entities": entities})
            maps.append((k, units, starts, records[-1]["id"]))
    return records, maps


def in_no_sentence(docs: list[Document], records: list[dict]) -> int:
    """How many of the documents' entities no sentence record holds (no peer can find them)."""
    return sum(len(d.entities) for d in docs) - sum(len(r["entities"]) for r in records)


def from_records(docs: list[Document], records: list[dict], maps: list) -> list[Document]:
    """Predicted records back to documents in original offsets; the predicted records must be
    the sentence records' own, in their order (a short or mixed-up prediction file stops)."""
    ids = [m[3] for m in maps]
    if [r.get("id") for r in records] != ids:
        got = len(records)
        raise ValueError(f"the peer returned {got} records for {len(ids)} sentences"
                         if got != len(ids) else "the peer's records are not the sentences "
                         "it was given, in their order")
    found: list[list[Entity]] = [[] for _ in docs]
    for record, (k, units, starts, _) in zip(records, maps):
        for e in record["entities"]:
            first = max(i for i, p in enumerate(starts) if p <= e["start"])
            last = max(i for i, p in enumerate(starts) if p < e["end"])
            found[k].append(Entity(units[first][0], units[last][1], e["label"],
                                   id=f"T{len(found[k]) + 1}"))
    return [Document(d.id, d.text, f, sections=d.sections, meta=d.meta)
            for d, f in zip(docs, found)]


def write_jsonl(records: list[dict], path: Path) -> None:
    """One JSON line a record; the file appears complete or not at all."""
    part = path.with_name(path.name + ".part")
    part.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    os.replace(part, path)
