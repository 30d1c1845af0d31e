"""Readers and writers under random input: random documents written and read back keep every
entity; damaged copies of real fixture files give documents or a FormatError, nothing else."""
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay import formats
from assay.doc import Document, Entity, Section
from tests.formats.fuzzing import fuzz

ALL = list(formats.FORMATS)
WORDS = st.text(st.sampled_from("abcXYZé中0-/("), min_size=1, max_size=6)
LABELS = st.sampled_from(["Chemical", "Gene", "cell_type", "Δ"])


@st.composite
def documents(draw) -> Document:
    """A title and an abstract of words, with entities on word boundaries, none overlapping
    (every format holds them), each word of the text a token in every tokenisation."""
    title, abstract = (draw(st.lists(WORDS, min_size=1, max_size=6)) for _ in range(2))
    words = title + abstract
    text = " ".join(title) + "\n" + " ".join(abstract) + " ."
    starts, at = [], 0
    for k, word in enumerate(words):
        starts.append(at)
        at += len(word) + 1
    entities, k = [], 0
    while k < len(words):
        length = draw(st.integers(0, 3))
        boundary = len(title) if k < len(title) else len(words)
        if length and k + length <= boundary:
            end = starts[k + length - 1] + len(words[k + length - 1])
            entities.append(Entity(starts[k], end, draw(LABELS), id=f"T{len(entities) + 1}"))
            k += length
        else:
            k += 1
    return Document(draw(st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)), text, entities,
                    sections=[Section("title", 0, len(" ".join(title))),
                              Section("abstract", len(" ".join(title)) + 1, len(text))])


def mentions(docs: list[Document]) -> list[list[tuple[str, str]]]:
    return [[(d.mention_text(e), e.label) for e in sorted(d.entities, key=lambda e: e.start)]
            for d in docs]


@pytest.mark.parametrize("fmt", ALL)
@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(documents(), min_size=1, max_size=3, unique_by=lambda d: d.id))
def test_random_documents_keep_every_entity_through_every_format(fmt, docs, tmp_path_factory):
    folder = tmp_path_factory.mktemp(fmt)
    path = folder / ("train" if fmt == "somd" else "data")
    formats.write(docs, path, fmt)
    back = list(formats.read(path, fmt))
    if fmt in ("brat", "measeval"):  # a folder of files, read in the order of their names
        docs = sorted(docs, key=lambda d: d.id)
    if fmt == "jsonl":
        assert back == docs
    assert mentions(back) == mentions(docs)
    again = folder / "again"
    again.mkdir()
    formats.write(back, again / path.name, fmt)  # a second pass changes nothing more
    assert list(formats.read(again / path.name, fmt)) == back


@pytest.mark.parametrize("fmt", ALL)
def test_damaged_fixture_files_give_documents_or_a_format_error(fmt, tmp_path: Path):
    tally = fuzz(fmt, tmp_path, examples=40, seed=1)
    for mode, counts in tally.items():
        assert counts["other exception"] == 0, (mode, counts["examples"])
        assert counts["read"] + counts["clear error"] == 40


def test_a_pubtator_title_line_cut_short_is_a_format_error(tmp_path: Path):
    """Found by bench/fuzz_formats.py: `100|t` with no text raised a ValueError of unpacking."""
    from assay.errors import FormatError

    path = tmp_path / "cut.pubtator"
    path.write_text("100|t\n100|a|Aspirin helps.\n\n")
    with pytest.raises(FormatError, match=r"cut.pubtator:1: expected PMID\|t\|text"):
        list(formats.read(path, "pubtator"))
