"""The one data path into training: a recipe's sources read into Documents, the dev carve, and
the Mix that says which labels each document's source annotates and how often its examples
are seen an epoch.

A one-source recipe (`[data] format`, `train`) is a Mix of one source that annotates every
label, seen once an epoch: it trains exactly as before Mixes existed.
"""
from __future__ import annotations

import random
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from pathlib import Path

from assay import formats
from assay.doc import Document
from assay.errors import Problems
from assay.formats.base import listed_ids, only_listed
from assay.labels import LabelMap, parse_label_map
from assay.models.contract import EVERYTHING, Annotated
from assay.text.sentences import trimmed_span
from assay.training.recipe import DataConfig, RecipeError, SourceConfig


@dataclass
class TrainingData:
    """Training documents, each with the index of its source and what that source annotates."""

    docs: list[Document]
    source: list[int]                 # the source of each document
    names: list[str]                  # each source's name
    annotates: list[Annotated]        # what each source annotates
    weights: list[float]              # how often each source's examples are seen an epoch
    inverse: bool = False             # sample sources inversely to their size
    empty_weights: list[float] | None = None  # the same for examples without entities

    @property
    def annotated(self) -> list[Annotated]:
        """What each document's source annotates (the families' `examples` take this)."""
        return [self.annotates[s] for s in self.source]

    def counts(self) -> dict[str, int]:
        """Documents per source."""
        return {name: self.source.count(k) for k, name in enumerate(self.names)}

    def take(self, n: int | None) -> "TrainingData":
        """The first `n` documents of each source only (all when None)."""
        if n is None:
            return self
        seen = [0] * len(self.names)
        kept = []
        for k, s in enumerate(self.source):
            seen[s] += 1
            if seen[s] <= n:
                kept.append(k)
        return replace(self, docs=[self.docs[k] for k in kept],
                       source=[self.source[k] for k in kept])


def read_docs(paths: list[str], format: str, lenient: bool, relabel: LabelMap | None = None,
              say=print, ids: str | None = None) -> list[Document]:
    """The documents of these files, read with `format` (only those the file `ids` lists,
    when given); with `lenient`, bad records are skipped and counted (the count said), else
    the first stops the run."""
    problems = Problems(strict=not lenient)
    docs = [d for p in paths for d in formats.read(p, format, problems)]
    if ids:
        docs = only_listed(docs, ids)
    if problems.errors:
        say(f"{', '.join(paths)}: {problems.summary()}")
    if relabel:
        docs = [relabel(d) for d in docs]
        if relabel.dropped:
            say(f"{', '.join(paths)}: {relabel.summary()}")
    docs, trimmed = trim_entities(docs)
    if trimmed:
        say(f"{', '.join(paths)}: {trimmed} entities trimmed of the white space at their edges "
            "(a model reads whole words)")
    return docs


def trim_entities(docs: list[Document]) -> tuple[list[Document], int]:
    """The documents with each contiguous entity's span trimmed of the white space at its
    edges (a BRAT span may end on a no-break space: 'chloroform\xa0'), so that it starts and
    ends where words do; and how many were. An entity of white space alone is left as it is."""
    out, trimmed = [], 0
    for doc in docs:
        entities = []
        for e in doc.entities:
            span = trimmed_span(doc.text, e.start, e.end)
            keep = e.fragments or span is None or span == e.span
            entities.append(e if keep else replace(e, start=span[0], end=span[1]))
            trimmed += not keep
        out.append(replace(doc, entities=entities))
    return out, trimmed


def label_map(source: SourceConfig) -> LabelMap:
    return LabelMap(parse_label_map(source.label_map), source.label_prefix,
                    None if source.labels is None else frozenset(source.labels),
                    None if source.relations is None else frozenset(source.relations))


def read_sources(data: DataConfig, say=print) -> tuple[TrainingData, list[Document] | None]:
    """(the training data, the dev documents or None) that a recipe's `[data]` names."""
    sources = data.all_sources()
    mix = bool(data.sources)
    docs, source, annotates, dev = [], [], [], []
    for k, s in enumerate(sources):
        read = read_docs(s.train, s.format, s.lenient or data.lenient, label_map(s), say,
                         s.train_ids)
        if s.part:
            read = part(read, s.part)
            say(f"source {s.name}: part {s.part} of its training documents, {len(read)}")
        if mix:  # the multitask protocol scores each dataset on what it annotates
            read = [tag_dataset(d, s.name) for d in read]
        held = {e.label for d in read for e in d.entities}
        unused = sorted(label for label in s.labels or () if s.label_prefix + label not in held)
        if unused:
            say(f"source {s.name}: no training entity has the label(s) {unused} it lists")
        docs += read
        source += [k] * len(read)
        annotates.append(_annotates(s, read) if mix and data.unannotated == "unknown"
                         else EVERYTHING)
        # named apart: dev documents of two sources may share ids (CoNLL numbers them 1, 2, ...),
        # and scoring pairs predictions with gold documents by id
        dev += [replace(tag_dataset(d, s.name), id=f"{s.name}/{d.id}") for d in
                read_docs(s.dev, s.format, s.lenient or data.lenient, label_map(s), say,
                          s.dev_ids)]
    if data.dev:
        dev += read_docs([data.dev], data.format, data.lenient, say=say)
    training = TrainingData(docs, source, [s.name for s in sources], annotates,
                            [s.weight for s in sources], data.sampling == "inverse",
                            [s.empty_weight for s in sources])
    if data.dev_ids:
        ids = dev_ids(docs, Path(data.dev_ids))
        _one_source_each(ids, docs, source, [s.name for s in sources])
        kept = [k for k, d in enumerate(docs) if d.id not in ids]
        dev = [d for d in docs if d.id in ids]
        training = replace(training, docs=[docs[k] for k in kept],
                           source=[source[k] for k in kept])
    return training, dev or None


def _one_source_each(ids: set[str], docs: list[Document], source: list[int],
                     names: list[str]) -> None:
    """A RecipeError when a listed dev id names documents of several sources (CoNLL numbers
    every file's documents 1, 2, ...): the carve would take them all."""
    where: dict[str, set[int]] = {}
    for d, k in zip(docs, source):
        if d.id in ids:
            where.setdefault(d.id, set()).add(k)
    shared = sorted(i for i, ks in where.items() if len(ks) > 1)
    if shared:
        raise RecipeError(f"data.dev_ids: {len(shared)} listed ids name documents of several "
                          f"sources, e.g. {shared[0]!r} in "
                          f"{', '.join(names[k] for k in sorted(where[shared[0]]))}; carve a "
                          "dev set from one source, or give each source its own dev files")


def part(docs: list[Document], k_of_n: str) -> list[Document]:
    """The k-th of n parts of `docs` (`"k/n"`), drawn at random with seed 0, in reading order."""
    k, n = map(int, k_of_n.split("/"))
    order = list(range(len(docs)))
    random.Random(0).shuffle(order)
    chosen = sorted(order[k - 1::n])
    return [docs[i] for i in chosen]


def tag_dataset(doc: Document, name: str) -> Document:
    """`doc` with its source's name as `meta["dataset"]`, unless it names one already."""
    return doc if "dataset" in doc.meta else replace(doc, meta={**doc.meta, "dataset": name})


def _annotates(source: SourceConfig, docs: list[Document]) -> Annotated:
    """The labels a source's documents carry for the types it annotates (its `labels` and
    `relations` are named before its `label_prefix`)."""
    entities = {source.label_prefix + label for label in source.labels} \
        if source.labels is not None else {e.label for d in docs for e in d.entities}
    relations = {source.label_prefix + label for label in source.relations} \
        if source.relations is not None else {r.label for d in docs for r in d.relations}
    return Annotated(frozenset(entities), frozenset(relations))


def dev_ids(docs: list[Document], ids_file: Path) -> set[str]:
    """The document ids the file lists (one a line, # comments); every one must be in `docs`."""
    ids = listed_ids(ids_file)
    missing = ids - {d.id for d in docs}
    if missing:
        raise RecipeError(f"data.dev_ids: {ids_file} lists {len(missing)} ids that the training "
                          f"data lacks, e.g. {sorted(missing)[:3]}")
    return ids


def carve(docs: list[Document], ids_file: Path) -> tuple[list[Document], list[Document]]:
    """(the documents whose ids the file does not list, those it lists)."""
    ids = dev_ids(docs, ids_file)
    return [d for d in docs if d.id not in ids], [d for d in docs if d.id in ids]


class EpochSampler:
    """Which examples an epoch trains on. Each source's examples are seen `weight` times an
    epoch on average (every one `int(weight)` times, plus a random share of them for the
    fraction); with `inverse`, sampling is inverse to source size as SRU-NER's: the epoch is
    the mean source size in all, each source giving an equal share of it (times its weight).
    `empty` marks the examples that hold no annotation (a paper's sentences that mention
    nothing): a source's are seen `empty_weights[k]` times as often as its others.
    The epoch's size is the same every epoch, and one-source data at weight 1 is every example
    once, in the order given."""

    def __init__(self, example_sources: list[int], weights: list[float], inverse: bool,
                 empty: list[bool] | None = None, empty_weights: list[float] | None = None):
        empty = empty or [False] * len(example_sources)
        empty_weights = empty_weights or [1.0] * len(weights)
        members = [[i for i, s in enumerate(example_sources) if s == k]
                   for k in range(len(weights))]
        sizes = [len(m) for m in members]
        present = [n for n in sizes if n]
        share = sum(present) / max(1, len(present)) ** 2  # the mean size over the sources
        self.groups: list[tuple[list[int], int]] = []  # (examples, how many an epoch)
        self.quota = []
        for k, (w, n) in enumerate(zip(weights, sizes)):
            whole = w * (share if inverse and n else n)
            parts = [[i for i in members[k] if empty[i] == flag] for flag in (False, True)]
            quotas = [round(whole * len(parts[0]) / max(1, n)),
                      round(whole * len(parts[1]) / max(1, n) * empty_weights[k])]
            self.groups += [(p, q) for p, q in zip(parts, quotas) if p]
            self.quota.append(sum(quotas))
        starved = [k for k, (n, q) in enumerate(zip(sizes, self.quota)) if n and not q]
        if starved:
            raise RecipeError(f"data.sources[{starved[0]}]: its weight gives it no example "
                              "an epoch; raise it")
        self.identity = self.quota == sizes and all(len(m) == q for m, q in self.groups)

    def __len__(self) -> int:
        return sum(self.quota)

    def epoch(self, seed: int) -> list[int]:
        """The indices of the examples of the epoch drawn with `seed` (repeats allowed)."""
        if self.identity:
            return list(range(len(self)))
        rng = random.Random(seed)
        chosen: list[int] = []
        for members, quota in self.groups:
            rounds, rest = divmod(quota, len(members))
            chosen += members * rounds + rng.sample(members, rest)
        rng.shuffle(chosen)  # copies of an example apart, not side by side in one batch
        return chosen


def example_span(example) -> tuple[int, int] | None:
    """The characters of its document an example covers (a window's units, a prompt's
    `start` and `end`), or None for an example that is not a piece of text (a whole
    document)."""
    units = getattr(example, "units", None)
    if units:
        return units[0][0], units[-1][1]
    start, end = getattr(example, "start", None), getattr(example, "end", None)
    return (start, end) if isinstance(start, int) and isinstance(end, int) else None


def without_entities(examples: list, docs: list[Document]) -> list[bool]:
    """For each example, whether its window holds no gold entity (False for other examples)."""
    starts = [sorted(e.start for e in d.entities) for d in docs]
    marks = []
    for x in examples:
        span = example_span(x)
        if span is None:
            marks.append(False)
            continue
        found = starts[x.doc]
        marks.append(bisect_left(found, span[1]) == bisect_left(found, span[0]))
    return marks


def _letters(text: str) -> str:
    return "".join(c for c in text if c.isalnum())


MIN_OVERLAP = 20  # letters and digits; shorter sentences ("Statistical analysis") recur anyway


def in_dev(examples: list, docs: list[Document], dev: list[Document]) -> list[bool]:
    """For each example, whether its window's text is that of a dev sentence, inside one, or
    holds one, compared on letters and digits alone (a sentence set tokenised with spaces,
    as SOMD's, matches the running text it was cut from, as SoMeSci's). Windows and sentences
    of fewer than MIN_OVERLAP letters and digits are not compared."""
    from assay.text.sentences import sentence_spans

    keys = {k for d in dev for s, e in sentence_spans(d)
            if len(k := _letters(d.text[s:e])) >= MIN_OVERLAP}
    dev_text = "\0".join(keys)
    texts = []
    for x in examples:
        span = example_span(x)
        texts.append(_letters(docs[x.doc].text[span[0]:span[1]]) if span else "")
    marks = [len(t) >= MIN_OVERLAP and t in dev_text for t in texts]
    joined, starts, at = "\0".join(texts), [], 0
    for t in texts:
        starts.append(at)
        at += len(t) + 1
    for key in keys:  # a dev sentence inside a longer window
        found = joined.find(key)
        while found >= 0:
            marks[bisect_right(starts, found) - 1] = True
            found = joined.find(key, found + 1)
    return marks
