"""Shared by the token-based formats (CoNLL, SOMD, DyGIE, SpERT, GENIA): Documents built from
token lists, and token lists with word indices rebuilt from Documents."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from assay.doc import Document, Entity, Span
from assay.text.tokens import doc_words, join_tokens, needs_token_spans


def document_from_tokens(doc_id: str, sentences: Sequence[Sequence[str]],
                         spans: Sequence[tuple[int, int, str]], **fields) -> Document:
    """A Document whose text is the tokens joined by spaces (sentences by newlines).

    `spans` are `(first word, last word + 1, label)` over the words of all sentences counted
    together; they become entities T1, T2, ... in that order. Other Document fields pass through.
    """
    text, sentence_spans, token_spans = join_tokens(sentences)
    flat = [span for sentence in token_spans for span in sentence]
    entities = []
    for k, (first, end, label) in enumerate(spans, 1):
        if not 0 <= first < end <= len(flat):
            raise ValueError(f"entity {k} ({label}) covers words [{first}, {end}) but there are "
                             f"{len(flat)} words")
        entities.append(Entity(flat[first][0], flat[end - 1][1], label, id=f"T{k}"))
    doc = Document(id=doc_id, text=text, entities=entities, sentences=sentence_spans, **fields)
    if needs_token_spans([tok for sentence in sentences for tok in sentence]):
        doc.meta["token_spans"] = [list(span) for span in flat]
    return doc


@dataclass
class TokenView:
    """A Document seen as words: per sentence, and counted over the whole document."""

    doc: Document
    sentences: list[list[Span]]

    def __post_init__(self) -> None:
        self.flat = [w for sentence in self.sentences for w in sentence]
        self._first = {s: i for i, (s, _) in enumerate(self.flat)}
        self._last = {e: i for i, (_, e) in enumerate(self.flat)}

    def tokens(self) -> list[list[str]]:
        return [[self.doc.text[s:e] for s, e in sentence] for sentence in self.sentences]

    def word_range(self, entity: Entity) -> tuple[int, int]:
        """`(first word, last word + 1)` of the entity over the whole document."""
        if entity.fragments or entity.start not in self._first or entity.end not in self._last:
            raise ValueError(f"document {self.doc.id!r}: entity {entity.id} ({entity.label}) "
                             "is not a run of whole words")
        return self._first[entity.start], self._last[entity.end] + 1

    def sentence_index(self, word: int) -> int:
        for k, sentence in enumerate(self.sentences):
            if word < len(sentence):
                return k
            word -= len(sentence)
        raise IndexError(word)

    def sentence_offsets(self) -> list[int]:
        """The flat index of each sentence's first word."""
        offsets, n = [], 0
        for sentence in self.sentences:
            offsets.append(n)
            n += len(sentence)
        return offsets


def token_view(doc: Document) -> TokenView:
    return TokenView(doc, doc_words(doc))
