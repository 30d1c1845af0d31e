"""Every format: read -> write -> read gives equal Documents, and the fixture reads as meant."""
import pytest

from assay import formats
from tests.fixtures import write_fixture

ALL = list(formats.FORMATS)


@pytest.mark.parametrize("fmt", ALL)
def test_read_write_read_gives_equal_documents(fmt, tmp_path):
    source = write_fixture(fmt, tmp_path / "in")
    first = list(formats.read(source, fmt))
    assert first and any(d.entities for d in first)
    target = tmp_path / "out" / ("train" if fmt == "somd" else "data")
    formats.write(first, target, fmt)
    second = list(formats.read(target, fmt))
    assert second == first


@pytest.mark.parametrize("fmt", ALL)
def test_every_entity_slices_back_to_its_text(fmt, tmp_path):
    for doc in formats.read(write_fixture(fmt, tmp_path), fmt):
        doc.validate()
        for e in doc.entities:
            assert doc.mention_text(e).strip() == doc.mention_text(e) != ""


@pytest.mark.parametrize("fmt", ALL)
def test_jsonl_holds_what_any_format_reads(fmt, tmp_path):
    docs = list(formats.read(write_fixture(fmt, tmp_path / "in"), fmt))
    formats.write(docs, tmp_path / "all.jsonl", "jsonl")
    assert list(formats.read(tmp_path / "all.jsonl", "jsonl")) == docs
