"""IOB2 / CoNLL: a token and its tag a line (space- or tab-separated), a blank line between
sentences, optional `-DOCSTART-` lines between documents.

Reading: with `-DOCSTART-` lines each block is one Document of several sentences; without them
each sentence is a Document. Only the first (token) and last (tag) columns are read; columns in
between (POS, chunk tags) are not kept. Writing needs flat entities on word boundaries and
cannot hold relations.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable, Iterator

from assay.doc import Document
from assay.errors import FormatError, Problems
from assay.formats.base import checked, one_word_labels, read_text, writing
from assay.formats.tokenized import document_from_tokens, token_view
from assay.text.bio import read_tags, spans_to_tags

HOLDS = {"relations": False, "nested": False, "groups": False}

Word = tuple[int, str, str]  # line number, token, tag


def read(path: str | Path, problems: Problems | None = None) -> Iterator[Document]:
    problems = problems or Problems()
    blocks, has_docstart = _blocks(path, problems)
    if not has_docstart:  # each sentence is its own document
        blocks = [[sentence] for block in blocks for sentence in block]
    for number, sentences in enumerate(blocks, 1):
        doc = _document(str(number), sentences, path, problems)
        if has_docstart:
            doc.meta["conll_docstart"] = True
        if checked(doc, problems, path, sentences[0][0][0]):
            yield doc


def write(docs: Iterable[Document], path: str | Path) -> None:
    with writing(path) as out:
        for doc in docs:
            if doc.meta.get("conll_docstart"):
                out.write("-DOCSTART- O\n\n")
            for tokens, tags, _ in sentence_tags(doc, path):
                out.writelines(f"{tok} {tag}\n" for tok, tag in zip(tokens, tags))
                out.write("\n")


Tagged = tuple[list[str], list[str], list[int]]


def sentence_tags(doc: Document, path: str | Path | None = None) -> list[Tagged]:
    """Each sentence's tokens, their IOB2 tags, and where each of the document's words begins
    among them: a word holding white space (GENIA's `protein - RNA`), which a column cannot,
    is written as its pieces, the entity tags carried over. An entity that IOB2 cannot hold
    raises FormatError."""
    one_word_labels(doc, path, "IOB2")
    view = token_view(doc)
    by_sentence: list[list] = [[] for _ in view.sentences]
    try:
        for ent in doc.entities:
            first, end = view.word_range(ent)
            k = view.sentence_index(first)
            if view.sentence_index(end - 1) != k:
                raise ValueError(f"entity {ent.id} ({ent.label}) crosses a sentence boundary")
            by_sentence[k].append(ent)
        return [_pieces(tokens, spans_to_tags(words, ents)) for tokens, words, ents
                in zip(view.tokens(), view.sentences, by_sentence)]
    except ValueError as err:
        raise FormatError(f"document {doc.id!r}: {err}", path) from None


def _pieces(tokens: list[str], tags: list[str]) -> Tagged:
    out_tokens: list[str] = []
    out_tags: list[str] = []
    starts = []
    for token, tag in zip(tokens, tags):
        starts.append(len(out_tokens))
        for k, piece in enumerate(token.split() or [token]):
            out_tokens.append(piece)
            out_tags.append(tag if k == 0 or tag == "O" else "I-" + tag[2:])
    return out_tokens, out_tags, starts


def _blocks(path: str | Path, problems: Problems) -> tuple[list[list[list[Word]]], bool]:
    """Documents as lists of sentences of words; and whether the file had -DOCSTART- lines."""
    blocks: list[list[list[Word]]] = [[]]
    sentence: list[Word] = []
    has_docstart = False
    for number, line in enumerate(read_text(path).splitlines(), 1):
        parts = line.split()
        if parts and parts[0] == "-DOCSTART-":
            has_docstart = True
            if sentence:
                blocks[-1].append(sentence)
            sentence = []
            if blocks[-1]:
                blocks.append([])
            continue
        if not parts:
            if sentence:
                blocks[-1].append(sentence)
            sentence = []
            continue
        if len(parts) < 2:
            problems.report(FormatError(f"expected 'token tag', got {line!r}", path, number))
            continue
        sentence.append((number, parts[0], parts[-1]))
    if sentence:
        blocks[-1].append(sentence)
    return [b for b in blocks if b], has_docstart


def _document(doc_id: str, sentences: list[list[Word]], path: str | Path,
              problems: Problems) -> Document:
    spans = []
    offset = 0
    for sentence in sentences:
        found = read_tags([tag for _, _, tag in sentence], lambda err: problems.report(
            FormatError(str(err).split(": ", 1)[1], path, sentence[err.word][0])))
        spans += [(offset + s, offset + e, label) for s, e, label in found]
        offset += len(sentence)
    return document_from_tokens(doc_id, [[tok for _, tok, _ in s] for s in sentences], spans)
