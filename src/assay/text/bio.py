"""IOB2 tags from entity spans over words, and entity spans back from tags."""
from __future__ import annotations

from typing import Callable, Sequence

from assay.doc import Entity, Span


def spans_to_tags(words: Sequence[Span], entities: Sequence[Entity]) -> list[str]:
    """IOB2 tags for `words` (character spans) from `entities`.

    Each entity must start at a word start and end at a word end; entities may not overlap
    (IOB2 cannot say so). Both raise ValueError naming the entity.
    """
    starts = {s: i for i, (s, _) in enumerate(words)}
    ends = {e: i for i, (_, e) in enumerate(words)}
    tags = ["O"] * len(words)
    for ent in sorted(entities, key=lambda e: (e.start, -e.end)):
        if ent.fragments:
            raise ValueError(f"entity {ent.id} ({ent.label}) is discontinuous; IOB2 cannot hold it")
        first, last = starts.get(ent.start), ends.get(ent.end)
        if first is None or last is None:
            raise ValueError(f"entity {ent.id} ({ent.label}) [{ent.start}, {ent.end}) does not "
                             "fall on word boundaries")
        if any(t != "O" for t in tags[first:last + 1]):
            raise ValueError(f"entity {ent.id} ({ent.label}) [{ent.start}, {ent.end}) overlaps "
                             "another entity; IOB2 cannot hold nested or overlapping entities")
        tags[first] = f"B-{ent.label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{ent.label}"
    return tags


class TagError(ValueError):
    """A tag sequence that is not valid IOB2; `word` is the index of the offending word."""

    def __init__(self, message: str, word: int):
        super().__init__(message)
        self.word = word


def tags_to_spans(tags: Sequence[str], repair: bool = False) -> list[tuple[int, int, str]]:
    """Entities `(first word, last word + 1, label)` from IOB2 tags.

    Strict IOB2: an `I-X` must follow `B-X` or `I-X`; otherwise a TagError names the word,
    unless `repair` is set, in which case the `I-X` opens a new entity (as conlleval reads it).
    A tag that is not `O`, `B-X` or `I-X` raises too, or with `repair` is read as `O`.
    """
    spans: list[tuple[int, int, str]] = []
    open_start, open_label = None, None
    for i, tag in enumerate(list(tags) + ["O"]):
        prefix, _, label = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I") or not label):
            if repair:
                prefix, tag = "O", "O"
            else:
                raise TagError(f"word {i}: tag {tag!r} is not O, B-<label> or I-<label>", i)
        if prefix == "I" and open_label == label:
            continue
        if open_label is not None:
            spans.append((open_start, i, open_label))
            open_start, open_label = None, None
        if prefix == "I" and not repair:
            before = tags[i - 1] if i else "the start"
            raise TagError(f"word {i}: {tag} follows {before} (IOB2 needs B-{label} first)", i)
        if tag != "O":
            open_start, open_label = i, label
    return spans


def read_tags(tags: Sequence[str], report: Callable[[TagError], None]) -> list[tuple[int, int, str]]:
    """Entities from IOB2 tags, passing every violation to `report` (which may raise) before
    reading the sequence the repaired way, so that no tag is lost without being reported."""
    try:
        return tags_to_spans(tags)
    except TagError:
        pass
    previous = "O"
    for i, tag in enumerate(tags):
        prefix, _, label = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I") or not label):
            report(TagError(f"word {i}: tag {tag!r} is not O, B-<label> or I-<label>; "
                            "read as O", i))
            tag = "O"
        elif prefix == "I" and previous[2:] != label:
            before = tags[i - 1] if i else "the start"
            report(TagError(f"word {i}: {tag} follows {before} (IOB2 needs B-{label} first); "
                            "read as the start of a mention", i))
        previous = tag
    return tags_to_spans(tags, repair=True)
