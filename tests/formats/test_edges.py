"""Edges a reader or writer once got wrong: each loses nothing, or says why in one line."""
import pytest

from assay import formats
from assay.doc import Document, Entity, Relation
from assay.errors import FormatError
from assay.formats.fit import fit
from assay.formats.tokenized import document_from_tokens


def test_a_word_holding_white_space_is_written_to_columns_as_its_pieces(tmp_path):
    # GENIA's tokens may hold spaces ("protein - RNA"): one column each piece, tags carried on
    doc = document_from_tokens("s1", [["the", "protein - RNA", "complex", "v1.2"]],
                               [(1, 3, "protein"), (3, 4, "Version")])
    doc.entities[0].id, doc.entities[1].id = "T1", "T2"
    formats.write([doc], tmp_path / "out.conll", "conll")
    back, = formats.read(tmp_path / "out.conll", "conll")
    assert back.text == doc.text
    assert [back.text[e.start:e.end] for e in back.entities] == ["protein - RNA complex", "v1.2"]
    doc.relations = [Relation("T2", "T1", "Version_of")]
    formats.write([doc], tmp_path / "somd" / "x", "somd")
    back, = formats.read(tmp_path / "somd" / "x", "somd")
    head, tail = ({e.id: back.text[e.start:e.end] for e in back.entities}[i]
                  for i in (back.relations[0].head, back.relations[0].tail))
    assert (head, tail) == ("v1.2", "protein - RNA complex")


def test_brat_keeps_windows_line_ends_and_mentions_over_a_line_break(tmp_path):
    doc = Document("d1", "foo\nbar baz\r\nqux", [Entity(0, 7, "X", id="e1"),
                                                Entity(8, 16, "Y", id="e2", kb_id="K1")],
                   [Relation("e1", "e2", "r"), Relation("e2", "e1", "s", id="R1")])
    formats.write([doc], tmp_path / "brat", "brat")
    back, = formats.read(tmp_path / "brat", "brat")
    assert back.text == doc.text  # the \r is a character BRAT's offsets count
    assert [(back.text[e.start:e.end], e.id, e.kb_id) for e in back.entities] == [
        ("foo\nbar", "T1", None), ("baz\r\nqux", "T2", "K1")]  # ids BRAT reads as entities
    assert [(r.head, r.tail, r.id) for r in back.relations] == [("T1", "T2", "R2"),
                                                                ("T2", "T1", "R1")]


def test_pubtator_refuses_what_its_lines_and_columns_cannot_hold(tmp_path):
    tab = Document("1", "ti\tt", [Entity(0, 4, "X", id="T1")])
    with pytest.raises(FormatError, match="holds a tab"):
        formats.write([tab], tmp_path / "a.txt", "pubtator")
    assert not (tmp_path / "a.txt").exists()
    broken = Document("2", "title line1\nline2")
    with pytest.raises(FormatError, match="line breaks"):
        formats.write([broken], tmp_path / "b.txt", "pubtator")


def test_a_key_given_twice_in_a_json_line_is_named_not_half_read(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": "a", "text": "ab", "entities": [{"start": 0, "end": 1, '
                    '"label": "X"}], "entities": []}\n')
    with pytest.raises(FormatError, match=r"in.jsonl:1: key 'entities' is repeated"):
        list(formats.read(path, "jsonl"))


def test_a_blank_document_is_counted_where_a_format_of_sentences_cannot_hold_it():
    kept, lost = fit([Document("a", "x y"), Document("b", " ")], "conll", lenient=False)
    assert [d.id for d in kept] == ["a"] and lost == {"documents without text": 1}


def test_a_brat_text_without_its_ann_is_named(tmp_path):
    for stem in ("a", "b"):
        (tmp_path / f"{stem}.txt").write_text("aspirin")
        (tmp_path / f"{stem}.ann").write_text("T1\tChemical 0 7\taspirin\n")
    assert [d.id for d in formats.read(tmp_path, "brat")] == ["a", "b"]
    (tmp_path / "c.txt").write_text("no annotations file")
    with pytest.raises(FormatError, match="c.txt: c.txt has no .ann beside it"):
        list(formats.read(tmp_path, "brat"))
