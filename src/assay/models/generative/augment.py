"""AnchorAlign's data augmentation (its appendix A): a language model rewrites each training
sentence's entity mentions (types, order and number kept) and, apart, its context around
indexed masks; every mention variant is then put into every context variant, so that each
new sentence keeps the original's entity types and relations by index. Only answers that keep
to that (the same number of mentions, of the same types, in the same order; every mask once)
are used: the rest are counted. `masked` writes a sentence with each mention replaced by its
type's mask token (the paper's type-specific masks): the surface forms are hidden, so the
pre-training stage on them learns where entities of a type stand and how they relate from
the context alone.

The prompts are the paper's (Figures 7 and 8), word for word, each with its figure's first
worked example before the sentence; the model is asked through the `llm` family's backends
(a local transformers model, or an OpenAI-compatible server).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from itertools import product

from assay.doc import Document, Entity, Relation
from assay.models.windows import sentence_spans

MENTION_PROMPT = (
    "Your task is to rewrite the entity mentions represented in dictionary format "
    '{"entity_type": entity_mention} within the input sentence, ensuring that the total number '
    "of entities remains unchanged while preserving each entity's original order and category. "
    "Only the entity mentions themselves should be rewritten—the rewritten mentions must align "
    "with the contextual environment and maintain consistent relationships with other entity "
    "mentions, while keeping all other parts of the sentence structure intact. Output each "
    "version on a separate line.")
CONTEXT_PROMPT = (
    "Your task is to rewrite the given sentence into three distinct versions, ensuring that each "
    "unique <mask_id> represents a masked entity. The rewritten versions must retain the same "
    "number of <mask_id> placeholders, with the contextual environment remaining consistent "
    "with the original <mask_id> while preserving the implied relationships between them. "
    "Output each version on a separate line.")

# the first worked example of each figure, shown to the model before its sentence
MENTION_EXAMPLE = (
    'Input:\n Meanwhile, {"peop": "Shi Liming"} at the {"org": "Institute of Zoology"} of '
    '{"loc": "Kunming"} found that pandas lack variety in their protein heredity , which may '
    "serve as one of the major reasons for pandas 'near extinction .\n\nOutput:\n\n"
    '1. Meanwhile, {"peop": "a leading researcher"} at the {"org": "Zoological Research '
    'Center"} of {"loc": "Yunnan"} found that pandas lack variety in their protein heredity, '
    "which may serve as one of the major reasons for pandas' near extinction.\n"
    '2. Meanwhile, {"peop": "Dr. Shi"} at the {"org": "Chinese Academy of Sciences"} of '
    '{"loc": "Kunming City"} found that pandas lack variety in their protein heredity, which '
    "may serve as one of the major reasons for pandas' near extinction.\n"
    '3. Meanwhile, {"peop": "a scientist"} at the {"org": "Wildlife Conservation Institute"} of '
    '{"loc": "southwestern China"} found that pandas lack variety in their protein heredity, '
    "which may serve as one of the major reasons for pandas' near extinction.")
CONTEXT_EXAMPLE = (
    "Input:\n Meanwhile , <mask0> at the <mask1> of <mask2> found that pandas lack variety in "
    "their protein heredity , which may serve as one of the major reasons for pandas 'near "
    "extinction .\n\nOutput:\n\n"
    "1. Meanwhile, <mask0> at the <mask1> of <mask2> discovered that pandas have limited "
    "protein heredity diversity, potentially contributing to their near-extinction status.\n"
    "2. At the <mask1> of <mask2>, <mask0> found that pandas exhibit a lack of protein heredity "
    "variation, which could be a key factor in their near extinction.\n"
    "3. Pandas' near extinction may be partly due to their low protein heredity variety, as "
    "revealed by <mask0> at the <mask1> of <mask2>.")

MARKED = re.compile(r'\{\s*"([^"{}]+)"\s*:\s*"([^"{}]*)"\s*\}')
MASK = re.compile(r"<mask(\d+)>")
NUMBERED = re.compile(r"^\s*(?:\d+[.)]|[-*•])\s*")


@dataclass
class Sample:
    """One sentence: its text, its entities (in text order, no two overlapping) and its
    relations as (head index, tail index, label)."""

    text: str
    entities: list[tuple[int, int, str]]
    relations: list[tuple[int, int, str]]


@dataclass
class Counts:
    sentences: int = 0            # sentences with entities asked about
    left_out: int = 0             # sentences not asked about: overlapping or fragmented entities
    mention_lines: int = 0        # answer lines read, and those that kept to the rules
    mention_kept: int = 0
    context_lines: int = 0
    context_kept: int = 0
    written: int = 0              # new sentences made
    cut: int = 0                  # answers cut by the output length
    examples: list[str] = field(default_factory=list)  # a few refused lines, to look at


def samples(doc: Document) -> tuple[list[Sample], int]:
    """The document's sentences that have entities, as samples; and how many were left out
    (entities overlapping, crossing a sentence edge or made of fragments: no marked text can
    hold them)."""
    made, left_out = [], 0
    for start, end in sentence_spans(doc):
        inside = sorted((e for e in doc.entities if start <= e.start and e.end <= end),
                        key=lambda e: (e.start, e.end))
        crossing = any(e.start < end and e.end > start and not (start <= e.start and e.end <= end)
                       for e in doc.entities)
        if not inside:
            continue
        if crossing or any(e.fragments for e in inside) or any(
                a.end > b.start for a, b in zip(inside, inside[1:])):
            left_out += 1
            continue
        at = {e.id: k for k, e in enumerate(inside)}
        made.append(Sample(doc.text[start:end],
                           [(e.start - start, e.end - start, e.label) for e in inside],
                           [(at[r.head], at[r.tail], r.label) for r in doc.relations
                            if r.head in at and r.tail in at]))
    return made, left_out


def _filled(sample: Sample, pieces: list[str]) -> str:
    """The sample's text with each entity's text replaced by pieces[k]."""
    out, last = [], 0
    for (start, end, _), piece in zip(sample.entities, pieces):
        out += [sample.text[last:start], piece]
        last = end
    return "".join(out + [sample.text[last:]])


def mention_question(sample: Sample) -> str:
    marked = _filled(sample, [json.dumps({label: sample.text[s:e]}, ensure_ascii=False)
                              for s, e, label in sample.entities])
    return f"{MENTION_PROMPT}\n\n{MENTION_EXAMPLE}\n\nInput:\n {marked}\n\nOutput:"


def context_question(sample: Sample) -> str:
    return (f"{CONTEXT_PROMPT}\n\n{CONTEXT_EXAMPLE}\n\nInput:\n "
            f"{_filled(sample, [f'<mask{k}>' for k in range(len(sample.entities))])}\n\nOutput:")


def _lines(answer: str) -> list[str]:
    return [NUMBERED.sub("", line).strip() for line in answer.splitlines() if line.strip()]


def mention_variants(sample: Sample, answer: str, counts: Counts) -> list[list[str]]:
    """The new mentions of each answer line that keeps the number, types and order of the
    sample's entities (each mention non-empty, and not the same as the original's)."""
    kept = []
    types = [label for _, _, label in sample.entities]
    original = [sample.text[s:e] for s, e, _ in sample.entities]
    for line in _lines(answer):
        found = MARKED.findall(line)
        if not found:
            continue
        counts.mention_lines += 1
        mentions = [m.strip() for _, m in found]
        if [t for t, _ in found] == types and all(mentions) and mentions != original:
            kept.append(mentions)
        elif len(counts.examples) < 5:
            counts.examples.append(line)
    counts.mention_kept += len(kept)
    return kept


def context_variants(sample: Sample, answer: str, counts: Counts) -> list[str]:
    """Answer lines that hold every mask <mask0> … once and no other."""
    kept, wanted = [], list(range(len(sample.entities)))
    for line in _lines(answer):
        found = [int(k) for k in MASK.findall(line)]
        if not found:
            continue
        counts.context_lines += 1
        if sorted(found) == wanted:
            kept.append(line)
        elif len(counts.examples) < 5:
            counts.examples.append(line)
    counts.context_kept += len(kept)
    return kept


def crossed(sample: Sample, mentions: list[list[str]], contexts: list[str], doc_id: str
            ) -> list[Document]:
    """Each mention variant (the original's among them) in each context (the original's
    among them): entity k keeps its type, relations keep their entities by index."""
    original = [sample.text[s:e] for s, e, _ in sample.entities]
    template = _filled(sample, [f"<mask{k}>" for k in range(len(sample.entities))])
    made = []
    for n, (names, context) in enumerate(product([original] + mentions, [template] + contexts)):
        if names is original and context is template:
            continue  # the sample itself
        text, entities, last = [], [], 0
        length = 0
        for match in MASK.finditer(context):
            k = int(match.group(1))
            before = context[last:match.start()]
            text.append(before)
            length += len(before)
            entities.append(Entity(length, length + len(names[k]), sample.entities[k][2],
                                   id=f"T{k + 1}"))
            text.append(names[k])
            length += len(names[k])
            last = match.end()
        text.append(context[last:])
        made.append(Document(f"{doc_id}/aug{n}", "".join(text), sorted(
            entities, key=lambda e: int(e.id[1:])),
            [Relation(f"T{h + 1}", f"T{t + 1}", label) for h, t, label in sample.relations]))
    return made


def augment(docs: list[Document], backend, variants: int = 3, limit: int = 10000,
            max_new_tokens: int = 256, batch_size: int = 8) -> tuple[list[Document], Counts]:
    """New sentences made from `docs` by the model behind `backend` (at most `limit`, the
    paper's cap); each sentence with entities asked for its mentions and its context
    rewritten once each (`batch_size` sentences a call), its `variants` first kept lines of
    each crossed."""
    counts, made = Counts(), []
    pending: list[tuple[Sample, str]] = []
    for doc in docs:
        found, left_out = samples(doc)
        counts.left_out += left_out
        pending += [(s, f"{doc.id}/{k}") for k, s in enumerate(found)]
    for at in range(0, len(pending), batch_size):
        if len(made) >= limit:
            break
        chunk = pending[at:at + batch_size]
        counts.sentences += len(chunk)
        questions = [[{"role": "user", "content": ask(s)}] for s, _ in chunk
                     for ask in (mention_question, context_question)]
        answers = backend.generate(questions, max_new_tokens, structured=False)
        for k, (sample, name) in enumerate(chunk):
            mentions, contexts = answers[2 * k], answers[2 * k + 1]
            counts.cut += mentions.cut + contexts.cut
            made += crossed(sample, mention_variants(sample, mentions.text, counts)[:variants],
                            context_variants(sample, contexts.text, counts)[:variants], name)
    made = made[:limit]
    counts.written = len(made)
    return made, counts


def masked(doc: Document, labels: list[str]) -> Document:
    """The document with each entity's text replaced by its type's mask token (`<mask_k>`, k
    the type's index in `labels`), entities and relations kept (overlapping entities: the
    outer one's text replaced, the inner ones dropped with their relations)."""
    kept, last_end = [], -1
    for e in sorted(doc.entities, key=lambda e: (e.start, -e.end)):
        if e.start >= last_end and not e.fragments:
            kept.append(e)
            last_end = e.end
    text, entities, at = [], [], 0
    length = 0
    for e in kept:
        before = doc.text[at:e.start]
        token = f"<mask_{labels.index(e.label)}>"
        text += [before, token]
        entities.append(replace(e, start=length + len(before),
                                end=length + len(before) + len(token)))
        length += len(before) + len(token)
        at = e.end
    text.append(doc.text[at:])
    ids = {e.id for e in entities}
    return Document(doc.id, "".join(text), entities,
                    [r for r in doc.relations if r.head in ids and r.tail in ids],
                    meta=dict(doc.meta))
